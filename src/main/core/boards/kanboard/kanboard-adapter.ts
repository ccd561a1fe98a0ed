import type { Comment, FieldPatch, Task } from '../../../../shared/task';
import type { ColumnRole } from '../../config';
import type {
  BoardAdapter,
  BoardCapabilities,
  ChangePage,
  CreateTaskInput,
  WebhookDelivery,
  WebhookHint,
} from '../contract/adapter';
import { BoardError, unwrittenError } from '../contract/errors';
import { laterTime, watermarkOf } from '../kit/listing/watermark';
import { checkPatch } from '../contract/canonical';
import {
  findNotesComment,
  isNotesComment,
  mirrorShows,
  NOTES_COMMENT_REFERENCE,
  renderNotesComment,
} from './agent-notes';
import { columnsFrom, connectBoard, priorityFrom, quoteNames, type BoardInfo, type KanboardColumn } from './connect';
import { KanboardRpcClient, type ResponseMeta, type RpcCall } from './json-rpc-client';
import {
  AGENT_NOTES_KEY,
  commentFromKanboard,
  isOpen,
  type KanboardCommentRow,
  type KanboardTaskRow,
  type MappingContext,
} from './mapping';
import { DEFAULT_BATCH_SIZE, TaskReader, USER_MODE_BATCH_SIZE, WRITE_REUSE_MS, type RawTask } from './task-reader';
import { UserDirectory } from './users';
import { dueDateToKanboard, num, priorityFromCanonical, text } from './values';
import { verifyKanboardWebhook } from './webhook';
import { groupWrites, type WriteStep } from './write-plan';

export const KANBOARD_BOARD_TYPE = 'kanboard';

export interface KanboardAdapterOptions {
  boardId: string;
  /** Kanboard's base URL or its jsonrpc.php endpoint. */
  url: string;
  /** Project name, or numeric id. */
  project: string | number;
  /** Absent or `jsonrpc`: the application API token. Otherwise a user with a personal access token. */
  username?: string;
  token: string;
  /** Kanboard's webhook token (Settings > Webhooks); without it every delivery is refused. */
  webhookToken?: string;
  columnRoles?: Partial<Record<ColumnRole, string>>;
  timeoutMs?: number;
  /** JSON-RPC calls per HTTP request when reading many tasks (default 200, or 50 in user mode). */
  batchSize?: number;
  /** How often the day search runs even when the project's last_modified shows nothing changed (default 1 min). */
  daySearchEveryMs?: number;
  fetch?: typeof fetch;
}

/**
 * The safety net for changes that stamp no project date (see nothingChangedSince). A person adding only a
 * label (routing a card to an agent) is such a change, and Kanboard sends no webhook for it either, so this
 * bounds how long routing can wait: a minute, at the cost of one day search a minute on a busy day.
 */
export const DAY_SEARCH_EVERY_MS = 60_000;

const isTaskId = (id: string): boolean => /^[1-9]\d{0,17}$/.test(id);

/**
 * Kanboard over its JSON-RPC API. The canonical status is the column name (a
 * closed task reports the `done` column), the assignee is the owner's username,
 * labels are tags, the parent is an "is a child of" internal link, and agent
 * notes are task metadata mirrored into one marked comment. Versions are a hash
 * of the canonical fields, since Kanboard's clock is second-granular and blind
 * to metadata and links. See docs/boards/kanboard.md.
 */
export class KanboardAdapter implements BoardAdapter {
  readonly type = KANBOARD_BOARD_TYPE;
  readonly boardId: string;
  readonly capabilities: BoardCapabilities = {
    webhooks: true,
    incrementalListing: true,
    nativeAgentNotes: true,
    subtasks: true,
    comments: true,
    listDeleted: false,
  };
  private readonly client: KanboardRpcClient;
  private readonly users: UserDirectory;
  private readonly reader: TaskReader;
  private info: BoardInfo | undefined;
  /** A task's comments as last read, for a notes write that follows within WRITE_REUSE_MS (its mirror comment). */
  private readonly recentComments = new Map<string, { rows: KanboardCommentRow[]; at: number }>();
  private connecting: Promise<BoardInfo> | undefined;
  /** When the last complete day search ran here (local clock): the detector is only trusted for a while after it. */
  private lastDaySearchAt: number | undefined;
  private readonly daySearchEveryMs: number;

  constructor(private readonly options: KanboardAdapterOptions) {
    this.boardId = options.boardId;
    this.daySearchEveryMs = options.daySearchEveryMs ?? DAY_SEARCH_EVERY_MS;
    this.client = new KanboardRpcClient({
      url: options.url,
      token: options.token,
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.users = new UserDirectory(this.client, () => this.board().projectId);
    this.reader = new TaskReader({
      client: this.client,
      projectId: () => this.board().projectId,
      context: () => this.context(),
      users: this.users,
      // In user mode Kanboard checks the password hash once per batched call (~75 ms each): smaller batches stay well inside the timeout.
      batchSize: options.batchSize ?? (this.client.mode === 'user' ? USER_MODE_BATCH_SIZE : DEFAULT_BATCH_SIZE),
    });
  }

  /**
   * Finds the project, reads columns and link ids and checks the configured
   * column roles. The registry awaits it so a wrong project or column is an
   * error at start; every call also connects lazily, so a server that was down
   * at start is picked up on the next poll.
   */
  async connect(): Promise<void> {
    await this.ready();
  }

  /** What the board was found to be (after connect). */
  get connection(): Readonly<BoardInfo> | undefined {
    return this.info;
  }

  async listColumns(): Promise<string[]> {
    const info = await this.ready();
    const columns = columnsFrom(await this.client.call('getColumns', { project_id: info.projectId }, { read: true }));
    if (columns.length > 0) info.columns = columns;
    return info.columns.map((c) => c.title);
  }

  async createColumn(name: string): Promise<void> {
    const info = await this.ready();
    const created = await this.client.call('addColumn', { project_id: info.projectId, title: name });
    if (created === false) throw new Error(`Kanboard did not add the column "${name}"`);
    await this.listColumns();
  }

  /** Every task of the project, open and closed (a closed task is not a deleted one). */
  async listTasks(): Promise<Task[]> {
    const info = await this.ready();
    const appMode = this.client.mode === 'app';
    const [rows, columns, project, actions] = await this.client.batch(
      [
        this.reader.search(''),
        { method: 'getColumns', params: { project_id: info.projectId } },
        { method: 'getProjectById', params: { project_id: info.projectId } },
        // Only a project manager may list actions in user mode, and a refusal there fails the whole batch.
        ...(appMode ? [{ method: 'getActions', params: { project_id: info.projectId } }] : []),
      ],
      { read: true },
    );
    if (!rows!.ok) throw rows!.error;
    if (actions?.ok && Array.isArray(actions.result)) info.hasActions = actions.result.length > 0;
    if (columns!.ok && columnsFrom(columns!.result).length > 0) info.columns = columnsFrom(columns!.result);
    if (project!.ok && project!.result) info.priority = priorityFrom(project!.result as Record<string, unknown>);
    return this.reader.withExtras(this.rows(rows!.result), false);
  }

  /**
   * Kanboard's `modified:>=` filter keeps whole days (it drops the time), so the
   * search returns everything changed since midnight of `since` and the rows are
   * filtered here on date_modification. Idle, that is one request.
   */
  async listChangedSince(since: string | null): Promise<ChangePage> {
    await this.ready();
    const sinceMs = since === null ? null : Date.parse(since);
    if (sinceMs !== null && Number.isNaN(sinceMs))
      throw new BoardError('invalid', `"${since}" is not a date-time watermark`);
    const sinceSeconds = sinceMs === null ? 0 : Math.max(0, Math.floor(sinceMs / 1000));
    const query = sinceSeconds > 0 ? `modified:>=${sinceSeconds}` : '';
    if (sinceSeconds > 0 && (await this.nothingChangedSince(sinceSeconds))) return { tasks: [], watermark: since };
    const searchedAt = Date.now();
    const meta: ResponseMeta = {};
    const rows = this.rows(
      await this.client.call('searchTasks', { project_id: this.board().projectId, query }, { read: true, meta }),
    ).filter((row) => sinceMs === null || num(row.date_modification) * 1000 >= sinceMs);
    const tasks = await this.reader.withExtras(rows, true);
    let watermark = watermarkOf(tasks, since);
    // The search filter only knows whole days, so a watermark stuck on the last change (days ago) would re-list that
    // whole day on every idle poll. A complete search answered quickly proves nothing changed up to the server's
    // own clock (less a margin for a commit still in flight), so the watermark may move up to there.
    if (meta.serverSeconds !== undefined && meta.elapsedMs !== undefined && meta.elapsedMs < 1000) {
      watermark = laterTime(watermark, new Date((meta.serverSeconds - 2) * 1000).toISOString());
    }
    this.lastDaySearchAt = searchedAt;
    return { tasks, watermark };
  }

  /**
   * The cheap change detector in front of the day search: the project's
   * last_modified, which Kanboard's ProjectModificationDateSubscriber stamps
   * on every task create, update, assignee change, open, close and move, in
   * every auth mode (one ~1 KB answer instead of every task touched today).
   * An older stamp than `since` proves no such event since then. It is blind
   * to what fires no event (a tags-only updateTask, metadata, a bare touch),
   * so the day search still runs every DAY_SEARCH_EVERY_MS as the safety net;
   * the watermark is left where the last search put it, so that search still
   * finds those rows (they keep their date_modification). The activity stream
   * (getProjectActivity) was not used: it only records changes made by a
   * logged-in user (none from the application token) and always answers its 50
   * latest events, each with the whole task and rendered HTML.
   */
  private async nothingChangedSince(sinceSeconds: number): Promise<boolean> {
    if (this.lastDaySearchAt === undefined || Date.now() - this.lastDaySearchAt >= this.daySearchEveryMs) return false;
    const project = await this.client.call<Record<string, unknown> | null>(
      'getProjectById',
      { project_id: this.board().projectId },
      { read: true },
    );
    const stamp = project ? num(project.last_modified) : 0;
    return stamp > 0 && stamp < sinceSeconds;
  }

  async getTask(id: string): Promise<Task | null> {
    await this.ready();
    const raw = await this.reader.read(id);
    return raw ? this.reader.toTask(raw, true) : null;
  }

  /** Several tasks in as few requests as Kanboard allows (JSON-RPC batches); null for those that no longer exist. */
  async getTasks(ids: string[]): Promise<Map<string, Task | null>> {
    await this.ready();
    const read = await this.reader.readMany(ids);
    return new Map(ids.map((id) => [id, read.get(id) ?? null]));
  }

  async findTaskByMarker(marker: string): Promise<Task | null> {
    const info = await this.ready();
    const row = await this.client.call<{ id?: unknown; reference?: unknown } | null>(
      'getTaskByReference',
      { project_id: info.projectId, reference: marker },
      { read: true },
    );
    // MySQL compares text case-insensitively; the marker must match exactly.
    if (!row || text(row.reference) !== marker) return null;
    return this.getTask(String(num(row.id)));
  }

  async createTask(input: CreateTaskInput): Promise<Task> {
    const info = await this.ready();
    const fields = checkPatch(input.fields);
    if (typeof fields.title !== 'string' || fields.title.trim() === '') {
      throw new BoardError('invalid', 'a new task needs a title');
    }
    const column = fields.status !== undefined ? await this.column(fields.status) : info.columns[0]!;
    const ownerId = fields.assignee ? await this.users.idOf(fields.assignee) : 0;
    if (fields.parentId) await this.checkParent(null, fields.parentId);

    const id = await this.client
      .call<number>('createTask', {
        title: fields.title,
        project_id: info.projectId,
        column_id: column.id,
        owner_id: ownerId,
        description: fields.description ?? '',
        ...(fields.priority !== undefined ? { priority: priorityFromCanonical(fields.priority, info.priority) } : {}),
        reference: input.marker,
        tags: fields.labels ?? [],
        date_due: dueDateToKanboard(fields.dueDate ?? null),
      })
      .catch((err: unknown) => {
        throw this.refusal(err, 'createTask', 'check the assignee is a member of the project and the column exists');
      });
    // Kanboard casts a failed insert to 0.
    if (num(id) <= 0) throw new BoardError('invalid', `Kanboard could not create the task "${fields.title}"`);
    const taskId = String(num(id));

    const steps: WriteStep[] = [];
    if (fields.parentId) steps.push(this.linkStep(taskId, fields.parentId));
    if (fields.agentNotes) steps.push(...this.notesSteps(taskId, fields.agentNotes, undefined));
    return this.write(taskId, steps);
  }

  async updateTask(id: string, patch: FieldPatch): Promise<Task> {
    // Until the first write request goes out nothing of the patch is written; write() says what was after that.
    const planned = await this.planUpdate(id, patch).catch((err: unknown) => {
      throw unwrittenError(err, Object.keys(patch));
    });
    if ('current' in planned) return planned.current;
    return this.write(id, planned.steps);
  }

  /** The calls a patch needs against the task as it is now; none needed answers the task itself. */
  private async planUpdate(id: string, patch: FieldPatch): Promise<{ current: Task } | { steps: WriteStep[] }> {
    const info = await this.ready();
    const p = checkPatch(patch);
    const pre = await this.readForWrite(id, p.agentNotes !== undefined);
    if (!pre) throw this.notFound(id);
    const { raw, comments } = pre;
    const current = this.reader.toTask(raw);
    const row = raw.row;
    const steps: WriteStep[] = [];

    if (p.status !== undefined && p.status !== current.status) {
      const column = await this.column(p.status);
      if (column.id !== num(row.column_id)) {
        steps.push({
          fires: true,
          call: {
            method: 'moveTaskPosition',
            params: {
              project_id: info.projectId,
              task_id: Number(id),
              column_id: column.id,
              // Past the end: Kanboard puts the task last in the column.
              position: 1_000_000,
              swimlane_id: num(row.swimlane_id),
            },
          },
          hint: `moving to column "${column.title}"`,
          fields: ['status'],
        });
      }
      if (!isOpen(row) && column.title !== this.context().closedStatus) {
        steps.push({ fires: true, call: { method: 'openTask', params: { task_id: Number(id) } }, fields: ['status'] });
      }
    }

    const fields: Record<string, unknown> = {};
    const canonical: string[] = [];
    const set = (field: string, key: string, value: unknown): void => {
      fields[key] = value;
      canonical.push(field);
    };
    if (p.title !== undefined && p.title !== current.title) set('title', 'title', p.title);
    if (p.description !== undefined && p.description !== current.description) {
      set('description', 'description', p.description);
    }
    if (p.priority !== undefined && p.priority !== current.priority) {
      set('priority', 'priority', priorityFromCanonical(p.priority, info.priority));
    }
    if (p.dueDate !== undefined && p.dueDate !== current.dueDate)
      set('dueDate', 'date_due', dueDateToKanboard(p.dueDate));
    if (p.labels !== undefined && p.labels.join('\n') !== current.labels.join('\n')) set('labels', 'tags', p.labels);
    if (p.assignee !== undefined && p.assignee !== current.assignee) {
      set('assignee', 'owner_id', p.assignee === null ? 0 : await this.users.idOf(p.assignee));
    }
    if (Object.keys(fields).length > 0) {
      steps.push({
        fires: true,
        call: { method: 'updateTask', params: { id: Number(id), ...fields } },
        hint: 'check the assignee is a member of the project',
        fields: canonical,
      });
    }

    if (p.parentId !== undefined && p.parentId !== current.parentId) {
      if (p.parentId !== null) await this.checkParent(id, p.parentId);
      for (const link of raw.extras.links.filter((l) => l.label === info.childLink.label)) {
        steps.push({
          fires: true,
          call: { method: 'removeTaskLink', params: { task_link_id: num(link.id) } },
          fields: ['parentId'],
        });
      }
      if (p.parentId !== null) steps.push(this.linkStep(id, p.parentId));
    }

    if (p.agentNotes !== undefined) {
      const mirror = findNotesComment(comments);
      if (p.agentNotes !== current.agentNotes) steps.push(...this.notesSteps(id, p.agentNotes, mirror));
      // The notes are there but their mirror is missing or stale (an older Deckhand wrote the metadata first and
      // lost the comment's answer): the same notes written again put the mirror right, once.
      else if (!mirrorShows(mirror, p.agentNotes)) steps.push(this.mirrorStep(id, p.agentNotes, mirror));
    }

    return steps.length === 0 ? { current } : { steps };
  }

  async listComments(taskId: string): Promise<Comment[]> {
    await this.ready();
    const rows = await this.commentRows(taskId);
    return rows.filter((r) => !isNotesComment(r)).map(commentFromKanboard);
  }

  async addComment(taskId: string, body: string, marker: string): Promise<Comment> {
    const info = await this.ready();
    if (!isTaskId(taskId)) throw this.notFound(taskId);
    this.recentComments.delete(taskId);
    let commentId: number;
    try {
      commentId = num(
        await this.client.call('createComment', {
          task_id: Number(taskId),
          user_id: info.userId,
          content: body,
          reference: marker,
        }),
      );
    } catch (err) {
      if ((await this.reader.existing([taskId])).has(taskId))
        throw this.refusal(err, 'createComment', 'is the comment empty?');
      throw this.notFound(taskId);
    }
    if (commentId <= 0) throw new BoardError('invalid', `Kanboard could not add a comment to task ${taskId}`);
    const row = await this.client.call<KanboardCommentRow | null>(
      'getComment',
      { comment_id: commentId },
      { read: true },
    );
    if (!row) throw new BoardError('transient', `comment ${commentId} on task ${taskId} is not readable yet`);
    return commentFromKanboard(row);
  }

  /**
   * Kanboard stores the marker in the comment's `reference` field, but only
   * `getComment` returns it: the task's comments by Deckhand's own user are
   * read in one batch and matched.
   */
  async findCommentByMarker(taskId: string, marker: string): Promise<Comment | null> {
    const info = await this.ready();
    const ours = (await this.commentRows(taskId)).filter((r) => num(r.user_id) === info.userId && !isNotesComment(r));
    if (ours.length === 0) return null;
    const outcomes = await this.client.batch(
      ours.map((r) => ({ method: 'getComment', params: { comment_id: num(r.id) } })),
      { read: true },
    );
    for (const out of outcomes) {
      if (!out.ok) throw out.error;
      const row = out.result as KanboardCommentRow | null;
      if (row && text(row.reference) === marker) return commentFromKanboard(row);
    }
    return null;
  }

  verifyWebhook(delivery: WebhookDelivery): WebhookHint {
    const projectId = this.info?.projectId ?? (typeof this.options.project === 'number' ? this.options.project : 0);
    return verifyKanboardWebhook(delivery, this.options.webhookToken, projectId);
  }

  webhookConfigured(): boolean {
    return Boolean(this.options.webhookToken);
  }

  /** Kanboard's task page, next to its jsonrpc.php; the query form works with or without URL rewriting. */
  taskUrl(taskId: string): string | undefined {
    if (!/^\d+$/.test(taskId)) return undefined;
    const page = new URL(this.client.endpoint);
    page.pathname = page.pathname.replace(/[^/]*\.php$/i, '');
    page.search = new URLSearchParams({ controller: 'TaskViewController', action: 'show', task_id: taskId }).toString();
    return page.toString();
  }

  meterRequests(beforeRequest: () => Promise<void>): void {
    this.client.meter(beforeRequest);
  }

  /** fetch keeps no per-adapter connections: nothing to close. */
  async close(): Promise<void> {}

  // ---- internals ----

  private async ready(): Promise<BoardInfo> {
    if (this.info) return this.info;
    this.connecting ??= connectBoard(this.client, {
      project: this.options.project,
      ...(this.options.columnRoles ? { columnRoles: this.options.columnRoles } : {}),
    }).then(
      (info) => {
        this.info = info;
        return info;
      },
      (err: unknown) => {
        this.connecting = undefined;
        throw err;
      },
    );
    return this.connecting;
  }

  private board(): BoardInfo {
    if (!this.info) throw new BoardError('transient', 'the Kanboard adapter is not connected yet');
    return this.info;
  }

  private context(): MappingContext {
    const info = this.board();
    return {
      projectId: info.projectId,
      closedStatus: this.options.columnRoles?.done ?? info.columns.at(-1)!.title,
      childLinkLabel: info.childLink.label,
      priority: info.priority,
      timeZone: info.timeZone,
    };
  }

  private rows(value: unknown): KanboardTaskRow[] {
    return Array.isArray(value) ? (value as KanboardTaskRow[]) : [];
  }

  private notFound(id: string): BoardError {
    return new BoardError('not_found', `task ${id} not found in Kanboard project "${this.info?.projectName ?? '?'}"`);
  }

  /** A refused write with what it most likely means; other errors pass unchanged. */
  private refusal(err: unknown, method: string, hint?: string): unknown {
    if (err instanceof BoardError && err.kind === 'invalid' && /returned false/.test(err.message) && hint) {
      return new BoardError('invalid', `Kanboard refused ${method} (${hint})`);
    }
    return err;
  }

  /** The column for a status name, re-reading the columns once in case they were renamed. */
  private async column(status: string): Promise<KanboardColumn> {
    const find = (): KanboardColumn | undefined => this.board().columns.find((c) => c.title === status);
    let found = find();
    if (!found) {
      await this.listColumns();
      found = find();
    }
    if (!found) {
      throw new BoardError(
        'invalid',
        `unknown status "${status}" on Kanboard project "${this.board().projectName}"; ` +
          `the columns are: ${quoteNames(this.board().columns.map((c) => c.title))}`,
      );
    }
    return found;
  }

  private async checkParent(taskId: string | null, parentId: string): Promise<void> {
    if (parentId === taskId) throw new BoardError('invalid', `task ${taskId} cannot be its own parent`);
    if (!(await this.reader.existing([parentId])).has(parentId)) {
      throw new BoardError(
        'invalid',
        `parent task "${parentId}" does not exist in Kanboard project "${this.board().projectName}"`,
      );
    }
  }

  private linkStep(taskId: string, parentId: string): WriteStep {
    return {
      fires: true,
      call: {
        method: 'createTaskLink',
        params: { task_id: Number(taskId), opposite_task_id: Number(parentId), link_id: this.board().childLink.id },
      },
      hint: `linking task ${taskId} to parent ${parentId}`,
      fields: ['parentId'],
    };
  }

  /**
   * The mirror comment first, then the metadata (the source of truth) in the same batch: an answer lost or garbled
   * before the metadata landed leaves the notes unwritten, so the write is retried and finds the mirror (edited in
   * place, never posted twice). Metadata first could land without its comment and look delivered for good.
   */
  private notesSteps(taskId: string, notes: string, mirror: KanboardCommentRow | undefined): WriteStep[] {
    return [
      this.mirrorStep(taskId, notes, mirror),
      {
        fires: false,
        call: { method: 'saveTaskMetadata', params: { task_id: Number(taskId), values: { [AGENT_NOTES_KEY]: notes } } },
        fields: ['agentNotes'],
      },
    ];
  }

  /** Posts the notes' mirror comment, or edits it in place when it exists. */
  private mirrorStep(taskId: string, notes: string, mirror: KanboardCommentRow | undefined): WriteStep {
    const content = renderNotesComment(notes);
    return mirror
      ? {
          fires: true,
          call: { method: 'updateComment', params: { id: num(mirror.id), content } },
          fields: ['agentNotes'],
        }
      : {
          fires: true,
          fields: ['agentNotes'],
          call: {
            method: 'createComment',
            params: {
              task_id: Number(taskId),
              user_id: this.board().userId,
              content,
              reference: NOTES_COMMENT_REFERENCE,
            },
          },
        };
  }

  /** The task before a write, with its comments when the agent notes mirror may need editing. */
  private async readForWrite(
    id: string,
    withComments: boolean,
  ): Promise<{ raw: RawTask; comments: KanboardCommentRow[] } | null> {
    // The delivery read the task a moment ago (its getTask just before this write): the write works from that read.
    const recent = this.reader.recent(id);
    const recentComments = this.recentComments.get(id);
    if (recent && (!withComments || (recentComments && Date.now() - recentComments.at <= WRITE_REUSE_MS))) {
      return { raw: recent, comments: withComments ? recentComments!.rows : [] };
    }
    if (!withComments) {
      const raw = await this.reader.read(id);
      return raw ? { raw, comments: [] } : null;
    }
    if (!isTaskId(id)) return null;
    const calls = [...this.reader.taskCalls(id), { method: 'getAllComments', params: { task_id: Number(id) } }];
    try {
      const outcomes = await this.client.batch(calls, { read: true });
      const raw = this.reader.parse(outcomes.slice(0, 4));
      const comments = outcomes[4]!;
      if (!comments.ok) throw comments.error;
      return raw
        ? { raw, comments: Array.isArray(comments.result) ? (comments.result as KanboardCommentRow[]) : [] }
        : null;
    } catch (err) {
      if (await this.reader.vanished(err, [id])) return null;
      throw err;
    }
  }

  /**
   * Runs the writes grouped so automatic actions fire once each (see
   * write-plan.ts), touches the task when only metadata or links changed (so its
   * date_modification moves and incremental listing sees it), and re-reads the
   * task in the last request.
   */
  private async write(id: string, steps: WriteStep[]): Promise<Task> {
    const touches = steps.some((s) => ['saveTaskMetadata', 'createTaskLink', 'removeTaskLink'].includes(s.call.method));
    const all: WriteStep[] = touches
      ? [...steps, { fires: false, call: { method: 'updateTask', params: { id: Number(id) } } }]
      : steps;
    this.reader.forget(id);
    this.recentComments.delete(id);
    const groups = groupWrites(all, this.board().hasActions !== false);
    const reads: RpcCall[] = this.reader.taskCalls(id);
    if (groups.length === 0) groups.push([]);
    let raw: RawTask | null = null;
    const meta: ResponseMeta = {};
    // A failed request: the fields of the groups after it were not written, nor its own when it did not run.
    const notWritten = (from: number): string[] => groups.slice(from).flatMap((g) => g.flatMap((s) => s.fields ?? []));
    for (const [i, group] of groups.entries()) {
      const last = i === groups.length - 1;
      const outcomes = await this.client
        .batch([...group.map((s) => s.call), ...(last ? reads : [])], { meta })
        .catch((err: unknown) => {
          throw unwrittenError(err, notWritten(err instanceof BoardError && err.notRun ? i : i + 1));
        });
      group.forEach((step, j) => {
        const out = outcomes[j]!;
        if (out.ok) return;
        const error = out.refused
          ? new BoardError(
              'invalid',
              `Kanboard refused ${step.call.method} on task ${id}${step.hint ? ` (${step.hint})` : ''}`,
            )
          : out.error;
        throw unwrittenError(error, notWritten(i + 1));
      });
      if (last) raw = this.reader.parse(outcomes.slice(group.length));
    }
    if (!raw) throw this.notFound(id);
    return this.reader.toTask({ ...raw, meta });
  }

  /** A task's comments; a task that does not exist is not_found in both auth modes. */
  private async commentRows(taskId: string): Promise<KanboardCommentRow[]> {
    if (!isTaskId(taskId)) throw this.notFound(taskId);
    try {
      const [search, comments] = await this.client.batch(
        [this.reader.search(`id:${taskId}`), { method: 'getAllComments', params: { task_id: Number(taskId) } }],
        { read: true },
      );
      if (!search!.ok) throw search!.error;
      if (!Array.isArray(search!.result) || search!.result.length === 0) throw this.notFound(taskId);
      if (!comments!.ok) throw comments!.error;
      const rows = Array.isArray(comments!.result) ? (comments!.result as KanboardCommentRow[]) : [];
      if (this.recentComments.size > 2_000) this.recentComments.clear();
      this.recentComments.set(taskId, { rows, at: Date.now() });
      return rows;
    } catch (err) {
      if (await this.reader.vanished(err, [taskId])) throw this.notFound(taskId);
      throw err;
    }
  }
}
