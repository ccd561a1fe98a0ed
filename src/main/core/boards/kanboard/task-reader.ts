import type { Task } from '../../../../shared/task';
import { BoardError } from '../contract/errors';
import type { KanboardRpcClient, ResponseMeta, RpcCall, RpcOutcome } from './json-rpc-client';
import {
  linksFrom,
  metadataFrom,
  tagsFrom,
  taskFromKanboard,
  type KanboardTaskRow,
  type MappingContext,
  type TaskExtras,
} from './mapping';
import type { UserDirectory } from './users';
import { num } from './values';

/** Calls per HTTP request when fetching extras for many tasks: big enough to cut requests, small enough for PHP's limits. */
export const DEFAULT_BATCH_SIZE = 200;
/** User mode pays a password-hash check per call on the server, so its batches are smaller. */
export const USER_MODE_BATCH_SIZE = 50;

export interface TaskReaderDeps {
  client: KanboardRpcClient;
  projectId(): number;
  context(): MappingContext;
  users: UserDirectory;
  batchSize: number;
}

/** A task as read: its search row and its extras, and when the extras were read (for the cache). */
export interface RawTask {
  row: KanboardTaskRow;
  extras: TaskExtras;
  meta?: ResponseMeta;
}

const isTaskId = (id: string): boolean => /^[1-9]\d{0,17}$/.test(id);

/**
 * Reads tasks in as few requests as Kanboard allows. The row comes from
 * `searchTasks` (which already names the column and the assignee); tags,
 * metadata (agent notes) and internal links (the parent) need one call each
 * per task, so they go in JSON-RPC batches, and links only for tasks that have
 * any. Extras are cached by (task, date_modification) for the incremental
 * poll: the overlap window re-lists recent tasks every cycle, and their extras
 * are only re-read when the task changed. getTask and full listings always
 * read fresh, and every write drops the cached entry.
 *
 * date_modification has whole seconds, so an entry read in the same second as
 * the task's last change could miss a second change in that second. An entry
 * is only kept when the server's Date header shows the read happened at least
 * two seconds after the change and the request took under a second here: then
 * any later change carries a later date_modification.
 */
export function cacheable(modified: number, meta: ResponseMeta | undefined): boolean {
  if (meta?.serverSeconds === undefined || meta.elapsedMs === undefined || meta.elapsedMs >= 1000) return false;
  return modified <= meta.serverSeconds - 2;
}

/** A task read this recently is what a write that follows works from, instead of reading it again. */
export const WRITE_REUSE_MS = 250;
/** Up to this many tasks are read in one batch with all their calls; more are searched first (links only where any). */
const ONE_BATCH_TASKS = 16;

export class TaskReader {
  private readonly cache = new Map<string, { modified: number; extras: TaskExtras }>();
  /** The last fresh read of each task, for a write that follows within WRITE_REUSE_MS. */
  private readonly fresh = new Map<string, { raw: RawTask; at: number }>();

  constructor(private readonly deps: TaskReaderDeps) {}

  search(query: string): RpcCall {
    return { method: 'searchTasks', params: { project_id: this.deps.projectId(), query } };
  }

  /** The calls that read one task whole; `parse` reads their outcomes. */
  taskCalls(id: string): RpcCall[] {
    const task_id = Number(id);
    return [
      this.search(`id:${id}`),
      { method: 'getTaskTags', params: { task_id } },
      { method: 'getTaskMetadata', params: { task_id } },
      { method: 'getAllTaskLinks', params: { task_id } },
    ];
  }

  parse(outcomes: RpcOutcome[]): RawTask | null {
    for (const out of outcomes) if (!out.ok) throw out.error;
    const [rows, tags, metadata, links] = outcomes.map((o) => (o.ok ? o.result : undefined));
    const row = Array.isArray(rows) ? (rows[0] as KanboardTaskRow | undefined) : undefined;
    if (!row) return null;
    return { row, extras: { tags: tagsFrom(tags), metadata: metadataFrom(metadata), links: linksFrom(links) } };
  }

  forget(id: string): void {
    this.cache.delete(id);
    this.fresh.delete(id);
  }

  /** The task as read within the last `maxAgeMs`, if it was. */
  recent(id: string, maxAgeMs = WRITE_REUSE_MS): RawTask | undefined {
    const hit = this.fresh.get(id);
    return hit && Date.now() - hit.at <= maxAgeMs ? hit.raw : undefined;
  }

  /**
   * Several tasks, fresh: a few in one batch with every call, many with one
   * search (repeated `id:` terms are OR-ed) and their extras in batches.
   * Missing ids are tasks that no longer exist.
   */
  async readMany(ids: string[]): Promise<Map<string, Task>> {
    const valid = [...new Set(ids.filter(isTaskId))];
    const out = new Map<string, Task>();
    if (valid.length === 0) return out;
    if (valid.length <= ONE_BATCH_TASKS) {
      const meta: ResponseMeta = {};
      let outcomes: RpcOutcome[];
      try {
        outcomes = await this.deps.client.batch(
          valid.flatMap((id) => this.taskCalls(id)),
          { read: true, meta },
        );
      } catch (err) {
        if (!(await this.vanished(err, valid))) throw err;
        // User mode: a call about a deleted task fails the whole batch; read the ones that exist.
        const existing = await this.existing(valid);
        const left = valid.filter((id) => existing.has(id));
        return left.length > 0 && left.length < valid.length ? this.readMany(left) : out;
      }
      valid.forEach((id, i) => {
        const raw = this.parse(outcomes.slice(i * 4, i * 4 + 4));
        if (raw) out.set(id, this.toTask({ ...raw, meta }, true));
      });
      return out;
    }
    const rows = await this.deps.client.call<KanboardTaskRow[]>(
      'searchTasks',
      { project_id: this.deps.projectId(), query: valid.map((id) => `id:${id}`).join(' ') },
      { read: true },
    );
    for (const task of await this.withExtras(Array.isArray(rows) ? rows : [], false)) out.set(task.id, task);
    return out;
  }

  /**
   * One task, fresh, in one request. In user mode Kanboard answers a call about a
   * task that does not exist with 403 for the whole batch, so a 403 is checked
   * with a search before it is reported.
   */
  async read(id: string): Promise<RawTask | null> {
    if (!isTaskId(id)) return null;
    try {
      const meta: ResponseMeta = {};
      const raw = this.parse(await this.deps.client.batch(this.taskCalls(id), { read: true, meta }));
      return raw ? { ...raw, meta } : null;
    } catch (err) {
      if (!(await this.vanished(err, [id]))) throw err;
      return null;
    }
  }

  /** True when `err` is a user-mode 403 and some of `ids` no longer exist in the project. */
  async vanished(err: unknown, ids: string[]): Promise<boolean> {
    if (!(err instanceof BoardError && err.kind === 'auth' && this.deps.client.mode === 'user')) return false;
    const existing = await this.existing(ids);
    return ids.some((id) => !existing.has(id));
  }

  /** Which of these ids are tasks of the project (one search: repeated `id:` terms are OR-ed). */
  async existing(ids: string[]): Promise<Set<string>> {
    const valid = ids.filter(isTaskId);
    if (valid.length === 0) return new Set();
    const rows = await this.deps.client.call<KanboardTaskRow[]>(
      'searchTasks',
      { project_id: this.deps.projectId(), query: valid.map((id) => `id:${id}`).join(' ') },
      { read: true },
    );
    return new Set((rows ?? []).map((r) => String(num(r.id))));
  }

  /** The canonical task; `forWrite` (a getTask read, as a delivery makes just before its write) keeps it for that write. */
  toTask(raw: RawTask, forWrite = false): Task {
    const id = String(num(raw.row.id));
    const modified = num(raw.row.date_modification);
    this.deps.users.learn(raw.row.assignee_username, raw.row.owner_id);
    if (cacheable(modified, raw.meta)) this.cache.set(id, { modified, extras: raw.extras });
    else this.cache.delete(id);
    if (forWrite) {
      if (this.fresh.size > 2_000) this.fresh.clear();
      this.fresh.set(id, { raw, at: Date.now() });
    }
    return taskFromKanboard(raw.row, raw.extras, this.deps.context());
  }

  /** Tasks for listed rows, reading extras in batches (from the cache where allowed). */
  async withExtras(rows: KanboardTaskRow[], useCache: boolean): Promise<Task[]> {
    const extras = new Map<string, { extras: TaskExtras; meta?: ResponseMeta }>();
    const missing: KanboardTaskRow[] = [];
    for (const row of rows) {
      const hit = useCache ? this.cache.get(String(num(row.id))) : undefined;
      if (hit && hit.modified === num(row.date_modification)) extras.set(String(num(row.id)), { extras: hit.extras });
      else missing.push(row);
    }
    const gone = new Set<string>();
    for (const chunk of this.chunks(missing)) {
      const meta: ResponseMeta = {};
      const fetched = await this.fetchExtras(chunk, meta);
      for (const row of chunk) {
        const id = String(num(row.id));
        const found = fetched.get(id);
        if (found) extras.set(id, { extras: found, meta });
        else gone.add(id);
      }
    }
    return rows
      .filter((row) => !gone.has(String(num(row.id))))
      .map((row) => {
        const id = String(num(row.id));
        const entry = extras.get(id)!;
        // A cache hit keeps its entry as it is; a fresh read decides whether it may be cached.
        if (!entry.meta) return taskFromKanboard(row, entry.extras, this.deps.context());
        return this.toTask({ row, extras: entry.extras, meta: entry.meta });
      });
  }

  /** Groups rows so each batch stays within the configured number of calls. */
  private chunks(rows: KanboardTaskRow[]): KanboardTaskRow[][] {
    const out: KanboardTaskRow[][] = [];
    let current: KanboardTaskRow[] = [];
    let calls = 0;
    for (const row of rows) {
      const cost = num(row.nb_links) > 0 || row.nb_links === undefined ? 3 : 2;
      if (calls + cost > this.deps.batchSize && current.length > 0) {
        out.push(current);
        current = [];
        calls = 0;
      }
      current.push(row);
      calls += cost;
    }
    if (current.length > 0) out.push(current);
    return out;
  }

  /** Extras for one chunk; in user mode, tasks deleted since the search are dropped instead of failing the chunk. */
  private async fetchExtras(
    rows: KanboardTaskRow[],
    meta: ResponseMeta,
    retry = true,
  ): Promise<Map<string, TaskExtras>> {
    const calls: RpcCall[] = [];
    const slots: { id: string; tags: number; metadata: number; links: number | null }[] = [];
    for (const row of rows) {
      const task_id = num(row.id);
      const withLinks = num(row.nb_links) > 0 || row.nb_links === undefined;
      slots.push({
        id: String(task_id),
        tags: calls.push({ method: 'getTaskTags', params: { task_id } }) - 1,
        metadata: calls.push({ method: 'getTaskMetadata', params: { task_id } }) - 1,
        links: withLinks ? calls.push({ method: 'getAllTaskLinks', params: { task_id } }) - 1 : null,
      });
    }
    let outcomes: RpcOutcome[];
    try {
      outcomes = await this.deps.client.batch(calls, { read: true, meta });
    } catch (err) {
      const ids = slots.map((s) => s.id);
      if (!retry || !(await this.vanished(err, ids))) throw err;
      const existing = await this.existing(ids);
      return this.fetchExtras(
        rows.filter((r) => existing.has(String(num(r.id)))),
        meta,
        false,
      );
    }
    const value = (index: number | null): unknown => {
      if (index === null) return [];
      const out = outcomes[index]!;
      if (!out.ok) throw out.error;
      return out.result;
    };
    return new Map(
      slots.map((s) => [
        s.id,
        { tags: tagsFrom(value(s.tags)), metadata: metadataFrom(value(s.metadata)), links: linksFrom(value(s.links)) },
      ]),
    );
  }
}
