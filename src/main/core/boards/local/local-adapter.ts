import type { BoardAdapter, BoardCapabilities, BoardHint, ChangePage, CreateTaskInput } from '../contract/adapter';
import type { Comment, FieldPatch, Task } from '../../../../shared/task';
import { BoardError } from '../contract/errors';
import type { BoardFaults, LocalBoardOp } from './faults';
import type { LocalBoardStore } from './local-board-store';
import { LOCAL_BOARD_TYPE, type LocalChangeListener, type LocalTask } from './types';

/** The engine's bot identity: adapter writes are attributed to it, human edits go through the store with theirs. */
export const DECKHAND_ACTOR = 'deckhand';

export interface LocalAdapterOptions {
  store: LocalBoardStore;
  boardId: string;
  /** TEST-ONLY: see BoardFaults. */
  faults?: BoardFaults;
}

/**
 * The built-in board as a BoardAdapter. `webhooks` is false because nothing
 * arrives over HTTP: the engine subscribes with `watch` instead, which fires
 * in-process after each commit, as a hint like a webhook's.
 */
export class LocalBoardAdapter implements BoardAdapter {
  readonly type = LOCAL_BOARD_TYPE;
  readonly boardId: string;
  readonly capabilities: BoardCapabilities = {
    webhooks: false,
    incrementalListing: true,
    nativeAgentNotes: true,
    subtasks: true,
    comments: true,
    listDeleted: true,
  };
  private readonly store: LocalBoardStore;
  private readonly faults: BoardFaults | undefined;

  /** Creates the board (with default columns) if it does not exist yet. */
  constructor(options: LocalAdapterOptions) {
    this.store = options.store;
    this.boardId = options.boardId;
    this.faults = options.faults;
    this.store.ensureBoard(this.boardId);
  }

  /** Change events of this board only, after commit; returns an unsubscribe function. */
  onChange(listener: LocalChangeListener): () => void {
    return this.store.onChange((event) => {
      if (event.boardId === this.boardId) listener(event);
    });
  }

  /** Each committed change as a hint; a comment is a `comment` hint, so a run waiting for an answer hears of it. */
  watch(onHint: (hint: BoardHint) => void): () => void {
    return this.onChange((event) =>
      onHint({
        kind: event.kind === 'commented' ? 'comment' : 'task',
        event: `local.${event.kind}`,
        taskIds: [event.taskId],
      }),
    );
  }

  listColumns(): Promise<string[]> {
    return this.call('listColumns', undefined, () => this.store.listColumns(this.boardId));
  }

  listTasks(): Promise<Task[]> {
    return this.call('listTasks', undefined, () => this.store.listTasks(this.boardId).map(toTask));
  }

  listChangedSince(since: string | null): Promise<ChangePage> {
    return this.call('listChangedSince', undefined, () => {
      const page = this.store.listChangedSince(this.boardId, since);
      return { tasks: page.tasks.map(toTask), watermark: page.cursor, deletedIds: page.deletedIds };
    });
  }

  getTask(id: string): Promise<Task | null> {
    return this.call('getTask', id, () => nullableTask(this.store.getTask(this.boardId, id)));
  }

  findTaskByMarker(marker: string): Promise<Task | null> {
    return this.call('findTaskByMarker', undefined, () =>
      nullableTask(this.store.findTaskByMarker(this.boardId, marker)),
    );
  }

  createTask(input: CreateTaskInput): Promise<Task> {
    return this.call(
      'createTask',
      undefined,
      () => toTask(this.store.createTask(this.boardId, input.fields, DECKHAND_ACTOR, { marker: input.marker })),
      (task) => task.id,
    );
  }

  updateTask(id: string, patch: FieldPatch): Promise<Task> {
    return this.call(
      'updateTask',
      id,
      () => toTask(this.store.updateTask(this.boardId, id, patch, DECKHAND_ACTOR)),
      () => id,
    );
  }

  listComments(taskId: string): Promise<Comment[]> {
    return this.call('listComments', taskId, () => this.store.listComments(this.boardId, taskId));
  }

  addComment(taskId: string, body: string, marker: string): Promise<Comment> {
    return this.call(
      'addComment',
      taskId,
      () => this.store.addComment(this.boardId, taskId, body, DECKHAND_ACTOR, { marker }),
      () => taskId,
    );
  }

  findCommentByMarker(taskId: string, marker: string): Promise<Comment | null> {
    return this.call('findCommentByMarker', taskId, () => this.store.findCommentByMarker(this.boardId, taskId, marker));
  }

  /** The local board's page is Deckhand's own board view, opened on the card (a hash route of the UI). */
  taskUrl(taskId: string): string {
    return `#/board/${encodeURIComponent(this.boardId)}?task=${encodeURIComponent(taskId)}`;
  }

  /** The database belongs to the app, not the adapter: nothing to close. */
  async close(): Promise<void> {}

  /** Runs one call with the fault hooks around it, reporting every failure as a BoardError. */
  private async call<T>(
    op: LocalBoardOp,
    taskId: string | undefined,
    run: () => T,
    writtenTask?: (result: T) => string,
  ): Promise<T> {
    const before = this.faults?.failNext?.(op, taskId);
    if (before) throw before;
    let result: T;
    try {
      result = run();
    } catch (err) {
      throw asBoardError(err);
    }
    if (writtenTask) {
      const after = this.faults?.failAfterWrite?.(op, writtenTask(result));
      if (after) throw after;
    }
    return result;
  }
}

/** The canonical Task, without the store's UI-only extras. */
function toTask(task: LocalTask): Task {
  const { createdAt: _createdAt, position: _position, ...canonical } = task;
  return canonical;
}

function nullableTask(task: LocalTask | null): Task | null {
  return task ? toTask(task) : null;
}

/** A busy or closed database may pass; anything else the board refused. */
export function asBoardError(err: unknown): BoardError {
  if (err instanceof BoardError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || /database connection is not open/.test(message)) {
    return new BoardError('transient', `local board: ${message}`);
  }
  return new BoardError('invalid', `local board: ${message}`);
}
