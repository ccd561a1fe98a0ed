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
import { collectUntil } from '../kit/listing/sort-and-stop';
import { findByName } from '../kit/names/find-by-name';
import { watermarkOf } from '../kit/listing/watermark';
import { DuplicateError, PlaneClient, type PlaneClientOptions } from './client';
import { textToHtml } from './html';
import {
  commentFromPlane,
  EXTERNAL_SOURCE,
  joinDescription,
  PRIORITIES,
  splitDescription,
  taskFromWorkItem,
  type Directory,
  type PlaneComment,
  type PlaneLabel,
  type PlaneMember,
  type PlaneState,
  type PlaneWorkItem,
} from './mapping';
import { verifyPlaneWebhook } from './webhook';

export const PLANE_BOARD_TYPE = 'plane';

export interface PlaneAdapterOptions extends PlaneClientOptions {
  boardId: string;
  /** The project's UUID or its identifier (`DEMO`). */
  project: string;
  webhookSecret?: string;
  columnRoles?: Partial<Record<ColumnRole, string>>;
}

interface Project {
  id: string;
  identifier: string;
  name: string;
}

/** Small pages for incremental polls (an idle poll reads one page and stops); large ones for a full listing. */
const POLL_PAGE = 25;
const FULL_PAGE = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Plane (Community Edition and Cloud) over REST v1. States are columns by
 * name, labels by name (created on first use), the assignee is the first
 * assignee by display name, priorities map none..urgent to 0..4, the parent
 * is the work item's `parent`. Agent notes are a marked section at the end
 * of the description (see mapping.ts for why). Plane has no updated-since
 * filter: polls sort by `-updated_at` and stop at the watermark.
 */
export class PlaneAdapter implements BoardAdapter {
  readonly type = PLANE_BOARD_TYPE;
  readonly boardId: string;
  readonly capabilities: BoardCapabilities = {
    webhooks: true,
    incrementalListing: true,
    nativeAgentNotes: false,
    subtasks: true,
    comments: true,
    listDeleted: false,
  };
  private readonly client: PlaneClient;
  private project: Project | undefined;
  private states: PlaneState[] = [];
  private labels: PlaneLabel[] = [];
  private members: PlaneMember[] = [];

  constructor(private readonly options: PlaneAdapterOptions) {
    this.boardId = options.boardId;
    this.client = new PlaneClient(options);
  }

  /** Finds the project and reads its states, labels and members; a wrong project or state name is an error now. */
  async connect(): Promise<void> {
    const projects = await this.client.all<Project>('/projects/', { per_page: 1000 }, 'list projects');
    const wanted = this.options.project;
    const project = projects.find((p) =>
      UUID.test(wanted) ? p.id === wanted : p.identifier.toLowerCase() === wanted.toLowerCase() || p.name === wanted,
    );
    if (!project) {
      const known = projects.map((p) => `${p.identifier} (${p.name})`).join(', ') || '(none the key can see)';
      throw new BoardError('invalid', `Plane project "${wanted}" not found in workspace; projects: ${known}`);
    }
    this.project = project;
    await this.loadDirectory();
    const names = this.states.map((s) => s.name);
    checkColumnRoles(this.options.columnRoles, names, `Plane project ${project.identifier}`, {
      one: 'state',
      many: 'states',
    });
  }

  /**
   * The work item's page in Plane's web app: the same host as the API (Plane
   * Cloud's API is api.plane.so, its app app.plane.so). Needs the project's
   * UUID, known once connected.
   */
  taskUrl(taskId: string): string | undefined {
    if (!this.project || !UUID.test(taskId)) return undefined;
    const web = new URL(this.client.apiBase.replace(/\/api\/v1$/, ''));
    if (web.hostname === 'api.plane.so') web.hostname = 'app.plane.so';
    const root = web.toString().replace(/\/+$/, '');
    return `${root}/${encodeURIComponent(this.options.workspace)}/projects/${this.project.id}/issues/${taskId}`;
  }

  private async loadDirectory(): Promise<void> {
    const base = this.projectPath();
    this.states = (await this.client.all<PlaneState>(`${base}/states/`, {}, 'list states')).sort(
      (a, b) => a.sequence - b.sequence,
    );
    this.labels = await this.client.all<PlaneLabel>(`${base}/labels/`, {}, 'list labels');
    this.members = await this.client.get<PlaneMember[]>(`${base}/members/`, undefined, 'list members');
  }

  private async ready(): Promise<void> {
    if (!this.project) await this.connect();
  }

  private projectPath(): string {
    return `/projects/${this.project!.id}`;
  }

  private itemsPath(id?: string): string {
    return `${this.projectPath()}/work-items/${id ? `${id}/` : ''}`;
  }

  private readonly names: Directory = {
    stateName: (id) => this.states.find((s) => s.id === id)?.name ?? id,
    labelName: (id) => this.labels.find((l) => l.id === id)?.name,
    memberName: (id) => this.members.find((m) => m.id === id)?.display_name,
  };

  /** Maps items, re-reading the directory once if one names a state or label created since. */
  private async toTasks(items: PlaneWorkItem[]): Promise<Task[]> {
    const unknown = items.some(
      (i) => !this.states.some((s) => s.id === i.state) || i.labels.some((l) => !this.names.labelName(l)),
    );
    if (unknown) await this.loadDirectory();
    return items.map((item) => taskFromWorkItem(item, this.names));
  }

  async listColumns(): Promise<string[]> {
    await this.ready();
    return this.states.map((s) => s.name);
  }

  /** Every work item Plane lists: open and completed; archived, draft and deleted items are not listed (so count as deleted). */
  async listTasks(): Promise<Task[]> {
    await this.ready();
    const items = await this.client.all<PlaneWorkItem>(
      this.itemsPath(),
      { per_page: FULL_PAGE, order_by: '-updated_at' },
      'list work items',
    );
    return this.toTasks(items);
  }

  /** Newest first, stopping at the first item older than `since`: an idle poll is one small request. */
  async listChangedSince(since: string | null): Promise<ChangePage> {
    await this.ready();
    if (since !== null && Number.isNaN(Date.parse(since))) {
      throw new BoardError('invalid', `"${since}" is not a date-time watermark`);
    }
    const pages = this.client.pages<PlaneWorkItem>(
      this.itemsPath(),
      { per_page: since === null ? FULL_PAGE : POLL_PAGE, order_by: '-updated_at' },
      'list changed work items',
    );
    const items = await collectUntil(pages, (i) => i.updated_at, since);
    const tasks = await this.toTasks(items);
    return { tasks, watermark: watermarkOf(tasks, since) };
  }

  async getTask(id: string): Promise<Task | null> {
    await this.ready();
    const item = await this.readItem(id);
    return item ? (await this.toTasks([item]))[0]! : null;
  }

  private async readItem(id: string): Promise<PlaneWorkItem | null> {
    if (!UUID.test(id)) return null;
    try {
      return await this.client.get<PlaneWorkItem>(this.itemsPath(id), undefined, 'read a work item');
    } catch (err) {
      if (err instanceof BoardError && err.kind === 'not_found') return null;
      throw err;
    }
  }

  /** Plane looks the pair (external_id, external_source) up exactly. */
  async findTaskByMarker(marker: string): Promise<Task | null> {
    await this.ready();
    try {
      const item = await this.client.get<PlaneWorkItem>(
        this.itemsPath(),
        { external_id: marker, external_source: EXTERNAL_SOURCE },
        'find a work item by its external id',
      );
      if (!item || item.external_id !== marker) return null;
      return (await this.toTasks([item]))[0]!;
    } catch (err) {
      if (err instanceof BoardError && err.kind === 'not_found') return null;
      throw err;
    }
  }

  /** A retried create meets Plane's 409 on the external id and returns the item the first attempt made. */
  async createTask(input: CreateTaskInput): Promise<Task> {
    await this.ready();
    const fields = checkPatch(input.fields);
    const body = {
      name: fields.title,
      description_html: joinDescription(fields.description ?? '', fields.agentNotes ?? ''),
      external_id: input.marker,
      external_source: EXTERNAL_SOURCE,
      ...(await this.valuesFor(fields)),
    };
    try {
      const item = await this.client.post<PlaneWorkItem>(this.itemsPath(), body, 'create a work item');
      return (await this.toTasks([item]))[0]!;
    } catch (err) {
      if (err instanceof DuplicateError) {
        const existing = await this.findTaskByMarker(input.marker);
        if (existing) return existing;
      }
      throw err;
    }
  }

  async updateTask(id: string, patch: FieldPatch): Promise<Task> {
    await this.ready();
    const fields = checkPatch(patch);
    const current = await this.readItem(id);
    if (!current) throw new BoardError('not_found', `Plane work item ${id} does not exist (deleted or archived)`);
    const body: Record<string, unknown> = await this.valuesFor(fields);
    if (fields.title !== undefined) body.name = fields.title;
    if (fields.description !== undefined || fields.agentNotes !== undefined) {
      const now = splitDescription(current.description_html);
      body.description_html = joinDescription(
        fields.description ?? now.description,
        fields.agentNotes ?? now.agentNotes,
      );
    }
    const before = taskFromWorkItem(current, this.names);
    const changes = patchChanges(before, fields);
    // Plane bumps updated_at even for a PATCH that changes nothing; skip it, and the webhooks it would fire.
    if (!changes) return (await this.toTasks([current]))[0]!;
    const item = await this.client.patch<PlaneWorkItem>(this.itemsPath(id), body, 'update a work item');
    return (await this.toTasks([item]))[0]!;
  }

  /** Plane's values for the fields that are ids or enums there. */
  private async valuesFor(fields: FieldPatch): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    if (fields.status !== undefined) out.state = await this.stateId(fields.status);
    if (fields.labels !== undefined) out.labels = await this.labelIds(fields.labels);
    if (fields.assignee !== undefined) out.assignees = fields.assignee === null ? [] : [this.memberId(fields.assignee)];
    if (fields.priority !== undefined) out.priority = PRIORITIES[fields.priority];
    if (fields.parentId !== undefined) out.parent = fields.parentId;
    if (fields.dueDate !== undefined) out.target_date = fields.dueDate;
    return out;
  }

  private async stateId(name: string): Promise<string> {
    const state = await findByName(
      () => this.states,
      name,
      () => this.loadDirectory(),
      (states) => `Plane project ${this.project!.identifier} has no state "${name}"; states: ${states}`,
    );
    return state.id;
  }

  /** Label ids by name; a label the project lacks is created (a retry meets 409 and uses the existing one). */
  private async labelIds(names: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const name of names) {
      let label = this.labels.find((l) => l.name === name);
      if (!label) {
        try {
          label = await this.client.post<PlaneLabel>(
            `${this.projectPath()}/labels/`,
            { name },
            `create label "${name}"`,
          );
        } catch (err) {
          if (!(err instanceof DuplicateError)) throw err;
          await this.loadDirectory();
          label = this.labels.find((l) => l.name === name);
          if (!label) throw err;
        }
        this.labels.push(label);
      }
      ids.push(label.id);
    }
    return ids;
  }

  private memberId(name: string): string {
    const member = this.members.find((m) => m.display_name === name || m.email === name);
    if (!member) {
      const known = this.members.map((m) => m.display_name).join(', ');
      throw new BoardError(
        'invalid',
        `"${name}" is not a member of Plane project ${this.project!.identifier}; members: ${known}`,
      );
    }
    return member.id;
  }

  private commentsPath(taskId: string): string {
    return `${this.itemsPath(taskId)}comments/`;
  }

  async listComments(taskId: string): Promise<Comment[]> {
    await this.ready();
    if (!UUID.test(taskId)) throw new BoardError('not_found', `Plane work item ${taskId} does not exist`);
    const rows = await this.client.all<PlaneComment>(this.commentsPath(taskId), { per_page: 100 }, 'list comments');
    // Plane lists newest first; the engine and the agents read a thread oldest first.
    return rows.map((row) => commentFromPlane(row, this.names)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** The marker is the comment's external id: a retried post meets 409 and returns the first one. */
  async addComment(taskId: string, body: string, marker: string): Promise<Comment> {
    await this.ready();
    try {
      const row = await this.client.post<PlaneComment>(
        this.commentsPath(taskId),
        { comment_html: textToHtml(body), external_id: marker, external_source: EXTERNAL_SOURCE },
        'add a comment',
      );
      return commentFromPlane(row, this.names);
    } catch (err) {
      if (err instanceof DuplicateError) {
        const existing = await this.findCommentByMarker(taskId, marker);
        if (existing) return existing;
      }
      throw err;
    }
  }

  async findCommentByMarker(taskId: string, marker: string): Promise<Comment | null> {
    const comments = await this.listComments(taskId);
    return comments.find((c) => c.marker === marker) ?? null;
  }

  verifyWebhook(delivery: WebhookDelivery): WebhookHint {
    // Before the first connect the project id is unknown: the hint names the task anyway, and the re-read decides.
    return verifyPlaneWebhook(delivery, this.options.webhookSecret, this.project?.id);
  }

  webhookConfigured(): boolean {
    return Boolean(this.options.webhookSecret);
  }
}
