import type { ColumnRole } from '../../config';
import type { Comment, FieldPatch, Task } from '../../../../shared/task';
import type {
  BoardAdapter,
  BoardCapabilities,
  ChangePage,
  CreateTaskInput,
  WebhookDelivery,
  WebhookHint,
} from '../contract/adapter';
import { checkColumnRoles, checkPatch, patchChanges } from '../contract/canonical';
import { BoardError } from '../contract/errors';
import { watermarkOf } from '../kit/listing/watermark';
import { findByName } from '../kit/names/find-by-name';
import { joinNotesSection, splitNotesSection } from '../kit/notes/description-section';
import { MAX_PAGE_SIZE, StaleVersionError, TaigaClient, type TaigaClientOptions } from './client';
import {
  commentFromEntry,
  commentText,
  readReference,
  tagsForTaiga,
  taskFromStory,
  writeReference,
  type Directory,
  type TaigaHistoryEntry,
  type TaigaMember,
  type TaigaProject,
  type TaigaStatus,
  type TaigaStory,
} from './mapping';
import { verifyTaigaWebhook } from './webhook';

export const TAIGA_BOARD_TYPE = 'taiga';

export interface TaigaAdapterOptions extends TaigaClientOptions {
  boardId: string;
  /** The project's slug (`admin-demo`, as in its URL) or its numeric id. */
  project: string;
  webhookKey?: string;
  columnRoles?: Partial<Record<ColumnRole, string>>;
}

/** How often a write is re-based on a fresh read after Taiga says the story changed under it. */
const STALE_RETRIES = 3;
const NUMERIC = /^\d+$/;

/**
 * Taiga over REST v1. User stories are the tasks: they are the cards of the
 * Kanban board a person works on, with its statuses as columns. Taiga's own
 * tasks are not synced: they live on a sprint's taskboard with a separate
 * status set, so a breakdown's subtasks are user stories with the parent in
 * `external_reference` (see mapping.ts). Tags are labels, the assignee is
 * `assigned_to` by username, there is no priority. Agent notes are a marked
 * section at the end of the description: Taiga's list answers lack the
 * description, so each changed story is read once in full anyway, and a
 * custom attribute would cost one more request per story and read.
 * Every PATCH sends the story's `version`; a 400 for a stale version is a
 * re-read and a re-based write, never a lost one.
 */
export class TaigaAdapter implements BoardAdapter {
  readonly type = TAIGA_BOARD_TYPE;
  readonly boardId: string;
  readonly capabilities: BoardCapabilities = {
    webhooks: true,
    incrementalListing: true,
    nativeAgentNotes: false,
    subtasks: true,
    comments: true,
    listDeleted: false,
  };
  private readonly client: TaigaClient;
  private project: TaigaProject | undefined;
  private statuses: TaigaStatus[] = [];
  /** The last full read of each story: a listed story whose version matches needs no second read. */
  private readonly details = new Map<number, TaigaStory>();
  /** Assignees a fresh read of the project did not name (a member who left): not read again for each story. */
  private readonly formerMembers = new Set<number>();

  constructor(private readonly options: TaigaAdapterOptions) {
    this.boardId = options.boardId;
    this.client = new TaigaClient(options);
  }

  /** Logs in, finds the project and reads its statuses; a wrong project or column name is an error now. */
  async connect(): Promise<void> {
    await this.loadProject();
    const names = this.statuses.map((s) => s.name);
    checkColumnRoles(this.options.columnRoles, names, `Taiga project ${this.project!.slug}`, {
      one: 'status',
      many: 'statuses',
    });
  }

  /** The user story's page in Taiga's web app, by its ref (known once the story was read). */
  taskUrl(taskId: string): string | undefined {
    const story = this.details.get(Number(taskId));
    if (!this.project || !story) return undefined;
    const root = this.options.url.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
    return `${root}/project/${encodeURIComponent(this.project.slug)}/us/${story.ref}`;
  }

  private async loadProject(): Promise<void> {
    const wanted = this.options.project.trim();
    try {
      this.project = NUMERIC.test(wanted)
        ? await this.client.get<TaigaProject>(`projects/${wanted}`, undefined, 'read the project')
        : await this.client.get<TaigaProject>('projects/by_slug', { slug: wanted }, 'read the project');
    } catch (err) {
      if (err instanceof BoardError && err.kind === 'not_found') {
        const mine = await this.client
          .get<{ slug: string }[]>('projects', { member: this.client.userId }, 'list projects')
          .catch(() => []);
        const known = mine.map((p) => p.slug).join(', ') || '(none this user is a member of)';
        throw new BoardError('invalid', `Taiga project "${wanted}" not found; projects: ${known}`);
      }
      throw err;
    }
    this.statuses = [...this.project.us_statuses].sort((a, b) => a.order - b.order || a.id - b.id);
  }

  private async ready(): Promise<TaigaProject> {
    if (!this.project) await this.connect();
    return this.project!;
  }

  private readonly names: Directory = {
    statusName: (id) => this.statuses.find((s) => s.id === id)?.name ?? String(id),
    memberName: (id) => this.project?.members.find((m) => m.id === id)?.username,
  };

  async listColumns(): Promise<string[]> {
    await this.ready();
    return this.statuses.map((s) => s.name);
  }

  /** Every user story of the project, open and closed (archived ones too): Taiga lists them all. */
  async listTasks(): Promise<Task[]> {
    const project = await this.ready();
    const listed = await this.client.all<TaigaStory>(
      'userstories',
      { project: project.id, page_size: MAX_PAGE_SIZE, order_by: 'modified_date' },
      'list user stories',
    );
    const present = new Set(listed.map((s) => s.id));
    for (const id of this.details.keys()) if (!present.has(id)) this.details.delete(id);
    return this.toTasks(listed);
  }

  /** Taiga filters on `modified_date__gte` itself: an idle poll is one request for the stories changed at the watermark. */
  async listChangedSince(since: string | null): Promise<ChangePage> {
    if (since === null) {
      const tasks = await this.listTasks();
      return { tasks, watermark: watermarkOf(tasks, null) };
    }
    const project = await this.ready();
    if (Number.isNaN(Date.parse(since))) throw new BoardError('invalid', `"${since}" is not a date-time watermark`);
    const listed = await this.client.all<TaigaStory>(
      'userstories',
      {
        project: project.id,
        modified_date__gte: new Date(Date.parse(since)).toISOString(),
        order_by: 'modified_date',
        page_size: MAX_PAGE_SIZE,
      },
      'list changed user stories',
    );
    const tasks = await this.toTasks(listed);
    return { tasks, watermark: watermarkOf(tasks, since) };
  }

  /** Listed stories as tasks, reading in full only those changed since their last full read. */
  private async toTasks(listed: TaigaStory[]): Promise<Task[]> {
    const tasks: Task[] = [];
    for (const item of listed) {
      const known = this.details.get(item.id);
      const story = known && known.version === item.version ? known : await this.readStory(String(item.id));
      if (story) tasks.push(await this.toTask(story));
    }
    return tasks;
  }

  /** A status or assignee the project read at connect does not know (added since): read the project again. */
  private async toTask(story: TaigaStory): Promise<Task> {
    const assignee = story.assigned_to;
    const newMember =
      assignee !== null && !this.formerMembers.has(assignee) && !this.project!.members.some((m) => m.id === assignee);
    if (newMember || !this.statuses.some((s) => s.id === story.status)) {
      await this.loadProject();
      if (assignee !== null && !this.project!.members.some((m) => m.id === assignee)) this.formerMembers.add(assignee);
    }
    return taskFromStory(story, this.names);
  }

  async getTask(id: string): Promise<Task | null> {
    await this.ready();
    const story = await this.readStory(id);
    return story ? this.toTask(story) : null;
  }

  private async readStory(id: string): Promise<TaigaStory | null> {
    if (!NUMERIC.test(id)) return null;
    try {
      const story = await this.client.get<TaigaStory>(`userstories/${id}`, undefined, 'read a user story');
      if (story.project !== this.project?.id) return null;
      this.details.set(story.id, story);
      return story;
    } catch (err) {
      if (err instanceof BoardError && err.kind === 'not_found') {
        this.details.delete(Number(id));
        return null;
      }
      throw err;
    }
  }

  /** Taiga cannot filter on external_reference: the list answer carries it, so one listing finds the marker. */
  async findTaskByMarker(marker: string): Promise<Task | null> {
    const project = await this.ready();
    const listed = await this.client.all<TaigaStory>(
      'userstories',
      { project: project.id, page_size: MAX_PAGE_SIZE },
      'find a user story by its marker',
    );
    const item = listed.find((s) => readReference(s.external_reference).marker === marker);
    return item ? this.getTask(String(item.id)) : null;
  }

  /** The marker goes in `external_reference` of the creating request, so a lost answer is found before a retry. */
  async createTask(input: CreateTaskInput): Promise<Task> {
    const project = await this.ready();
    const fields = checkPatch(input.fields);
    if (fields.parentId) await this.expectStory(fields.parentId);
    const body = {
      project: project.id,
      subject: fields.title,
      description: joinNotesSection(fields.description ?? '', fields.agentNotes ?? ''),
      external_reference: writeReference({ marker: input.marker, parentId: fields.parentId ?? null }),
      ...(await this.valuesFor(fields)),
    };
    const story = await this.client.post<TaigaStory>('userstories', body, 'create a user story');
    this.details.set(story.id, story);
    return this.toTask(story);
  }

  async updateTask(id: string, patch: FieldPatch): Promise<Task> {
    await this.ready();
    const fields = checkPatch(patch);
    if (fields.parentId) await this.expectStory(fields.parentId, id);
    for (let attempt = 1; ; attempt++) {
      const current = await this.readStory(id);
      if (!current) throw new BoardError('not_found', `Taiga user story ${id} does not exist (deleted?)`);
      const before = taskFromStory(current, this.names);
      const changed = patchChanges(before, fields);
      // Taiga bumps the version and writes history even for a PATCH that changes nothing: skip it.
      if (!changed) return this.toTask(current);
      const body = { ...(await this.changesFor(current, fields)), version: current.version };
      try {
        const story = await this.client.patch<TaigaStory>(`userstories/${id}`, body, 'update a user story');
        this.details.set(story.id, story);
        return await this.toTask(story);
      } catch (err) {
        // Someone changed one of these fields since the read: read again and write on top of their change.
        if (!(err instanceof StaleVersionError) || attempt >= STALE_RETRIES) throw err;
      }
    }
  }

  /** The PATCH body for `fields` on top of the story as it is now. */
  private async changesFor(current: TaigaStory, fields: FieldPatch): Promise<Record<string, unknown>> {
    const body: Record<string, unknown> = await this.valuesFor(fields);
    if (fields.title !== undefined) body.subject = fields.title;
    if (fields.description !== undefined || fields.agentNotes !== undefined) {
      const now = splitNotesSection((current.description ?? '').replace(/\r\n/g, '\n'));
      body.description = joinNotesSection(fields.description ?? now.description, fields.agentNotes ?? now.agentNotes);
    }
    if (fields.parentId !== undefined) {
      const reference = readReference(current.external_reference);
      body.external_reference = writeReference({ ...reference, parentId: fields.parentId });
    }
    return body;
  }

  /** Taiga's values for the fields that are ids there. */
  private async valuesFor(fields: FieldPatch): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    if (fields.status !== undefined) out.status = await this.statusId(fields.status);
    if (fields.labels !== undefined) out.tags = tagsForTaiga(fields.labels);
    if (fields.assignee !== undefined) {
      out.assigned_to = fields.assignee === null ? null : await this.memberId(fields.assignee);
    }
    if (fields.dueDate !== undefined) out.due_date = fields.dueDate;
    if (fields.priority !== undefined && fields.priority !== 0) {
      throw new BoardError('invalid', 'priority: Taiga user stories have no priority (only issues do); leave it at 0');
    }
    return out;
  }

  private async statusId(name: string): Promise<number> {
    const status = await findByName(
      () => this.statuses,
      name,
      () => this.loadProject(),
      (statuses) => `Taiga project ${this.project!.slug} has no status "${name}"; statuses: ${statuses}`,
    );
    return status.id;
  }

  private async memberId(name: string): Promise<number> {
    const find = (members: TaigaMember[]) =>
      members.find((m) => m.username === name) ?? members.find((m) => m.full_name === name);
    let member = find(this.project!.members);
    if (!member) {
      // Someone who joined since the project was read.
      await this.loadProject();
      member = find(this.project!.members);
    }
    if (!member) {
      const known = this.project!.members.map((m) => m.username).join(', ');
      throw new BoardError(
        'invalid',
        `"${name}" is not a member of Taiga project ${this.project!.slug}; members: ${known}`,
      );
    }
    return member.id;
  }

  private async expectStory(parentId: string, selfId?: string): Promise<void> {
    if (parentId === selfId) throw new BoardError('invalid', `user story ${parentId} cannot be its own parent`);
    if (!(await this.readStory(parentId))) {
      throw new BoardError('invalid', `parentId: Taiga user story ${parentId} does not exist in this project`);
    }
  }

  private historyPath(taskId: string): string {
    if (!NUMERIC.test(taskId)) throw new BoardError('not_found', `Taiga user story ${taskId} does not exist`);
    return `history/userstory/${taskId}`;
  }

  /** Comments are history entries (newest first there); deleted ones are left out. */
  async listComments(taskId: string): Promise<Comment[]> {
    await this.ready();
    const entries = await this.client.get<TaigaHistoryEntry[]>(
      this.historyPath(taskId),
      { type: 'comment' },
      'list comments',
    );
    if (!Array.isArray(entries)) throw new BoardError('transient', "Taiga's answer to list comments is not a list");
    return entries
      .filter((e) => e.comment !== '' && !e.delete_comment_date)
      .map((e) => commentFromEntry(e, taskId))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * A comment is a PATCH of the story with `comment` and its version. It is
   * never resent on its own: Taiga would accept a second copy (a comment
   * overlaps no changed field), so the engine looks the marker up first.
   */
  async addComment(taskId: string, body: string, marker: string): Promise<Comment> {
    await this.ready();
    for (let attempt = 1; ; attempt++) {
      const current = await this.readStory(taskId);
      if (!current) throw new BoardError('not_found', `Taiga user story ${taskId} does not exist (deleted?)`);
      try {
        const story = await this.client.postComment<TaigaStory>(
          `userstories/${taskId}`,
          { comment: commentText(body, marker), version: current.version },
          'add a comment',
        );
        this.details.set(story.id, story);
        break;
      } catch (err) {
        if (!(err instanceof StaleVersionError) || attempt >= STALE_RETRIES) throw err;
      }
    }
    const made = await this.findCommentByMarker(taskId, marker);
    if (!made)
      throw new BoardError('transient', `Taiga took the comment on user story ${taskId} but does not list it yet`);
    return made;
  }

  async findCommentByMarker(taskId: string, marker: string): Promise<Comment | null> {
    const comments = await this.listComments(taskId);
    return comments.find((c) => c.marker === marker) ?? null;
  }

  verifyWebhook(delivery: WebhookDelivery): WebhookHint {
    return verifyTaigaWebhook(delivery, this.options.webhookKey, this.project?.id);
  }

  webhookConfigured(): boolean {
    return Boolean(this.options.webhookKey);
  }
}
