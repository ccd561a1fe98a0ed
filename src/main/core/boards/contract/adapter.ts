import type { Comment, FieldPatch, Task, TaskFields } from '../../../../shared/task';

/** What a board can do; the engine adapts to these instead of assuming them. */
export interface BoardCapabilities {
  /** The board can push change notifications to Deckhand. */
  webhooks: boolean;
  /** `listChangedSince` filters on the server; otherwise it lists everything and the engine compares versions. */
  incrementalListing: boolean;
  /** agent notes live in a native field (custom field/metadata) rather than a marked comment or description block. */
  nativeAgentNotes: boolean;
  subtasks: boolean;
  comments: boolean;
  /** Deleted items can be listed, so deletions are seen without a full listing. */
  listDeleted: boolean;
}

export interface ChangePage {
  tasks: Task[];
  /**
   * The highest `updatedAt` on the board's own clock among the returned tasks
   * (or the input watermark when nothing changed). Never the local clock: that
   * is what makes a skewed board clock harmless. (Not a page cursor: boards
   * have their own, which stay inside the adapter.)
   */
  watermark: string | null;
  /** Only from boards with `listDeleted`. */
  deletedIds?: string[];
}

export interface WebhookDelivery {
  headers: Record<string, string | string[] | undefined>;
  query: URLSearchParams;
  rawBody: Buffer;
}

/**
 * A change notice from the board: a local event, a webhook or a websocket
 * message. It is only a hint: the engine re-reads the tasks it names.
 * `comment` hints also wake runs waiting for a person's answer, since a
 * comment need not change the task's version.
 */
export interface BoardHint {
  kind: 'task' | 'comment';
  /** The board's own name for the event (`comment.create`), for the log. */
  event: string;
  taskIds: string[];
}

/** A verified webhook delivery's hint. */
export interface WebhookHint extends BoardHint {
  /** Unique per delivery; repeats are dropped. */
  deliveryId: string;
}

export interface CreateTaskInput {
  fields: Partial<TaskFields> & { title: string };
  /** Idempotency marker stored on the created task (reference, metadata, external id, ...). */
  marker: string;
}

/**
 * One board behind a uniform, canonical interface. Adapters throw BoardError
 * (see errors.ts) so the engine can tell transient failures from permanent ones.
 *
 * The contract every adapter keeps (the conformance suite checks each rule):
 * - `listTasks` returns every task the engine may know: open and closed (or
 *   open only, on a board with `listDeleted`, which lists the rest as
 *   deletions). Anything missing from it is treated as deleted.
 * - Markers match exactly: `findTaskByMarker('a')` never returns the task
 *   marked `ab`.
 * - A patch that changes nothing leaves the version as it is, so a repeated
 *   write is not seen as a new change.
 * - `listComments` leaves out the agent-notes comment; Deckhand's own comments
 *   are known by their marker, never by their author (a solo developer's board
 *   account is Deckhand's too).
 * - Versions change whenever a synced field changes, and only then.
 * - A create (task or comment) stores its marker in the same request that
 *   creates it, so after an answer lost in transit `findTaskByMarker` /
 *   `findCommentByMarker` finds what was made; the engine looks there before it
 *   retries a create, and an adapter may also refuse a duplicate itself.
 */
export interface BoardAdapter {
  readonly boardId: string;
  readonly type: string;
  readonly capabilities: BoardCapabilities;
  /** Column names in board order. */
  listColumns(): Promise<string[]>;
  /**
   * Adds a column at the end of the board, where the API allows it (Kanboard's addColumn); absent otherwise.
   * Used at connect time to give a board the review or blocked column agents need.
   */
  createColumn?(name: string): Promise<void>;
  /** Every task (see the contract above), in as few requests as the API allows. */
  listTasks(): Promise<Task[]>;
  /** Tasks whose board-side updatedAt >= `since` (the engine passes an overlapping watermark). */
  listChangedSince(since: string | null): Promise<ChangePage>;
  /** Current state, or null when the task no longer exists. */
  getTask(id: string): Promise<Task | null>;
  /**
   * Several tasks in as few requests as the API allows (a JSON-RPC batch, a
   * list filtered by ids); a task that no longer exists maps to null. Without
   * it the engine reads them one by one.
   */
  getTasks?(ids: string[]): Promise<Map<string, Task | null>>;
  findTaskByMarker(marker: string): Promise<Task | null>;
  createTask(input: CreateTaskInput): Promise<Task>;
  /** Applies the given fields and returns the task as the board now has it. */
  updateTask(id: string, patch: FieldPatch): Promise<Task>;
  listComments(taskId: string): Promise<Comment[]>;
  addComment(taskId: string, body: string, marker: string): Promise<Comment>;
  findCommentByMarker(taskId: string, marker: string): Promise<Comment | null>;
  /**
   * The task's page in the board's own UI ("Open on board"), or undefined when
   * the adapter cannot build it (yet). Never a request: built from what the
   * adapter already knows, since the UI asks for many tasks at once.
   */
  taskUrl?(taskId: string): string | undefined;
  /** Verifies a delivery the way this board signs it; throws WebhookRejected otherwise. */
  verifyWebhook?(delivery: WebhookDelivery): WebhookHint;
  /** Whether deliveries can be verified now (a webhook secret is set); without one every delivery is refused. */
  webhookConfigured?(): boolean;
  /**
   * Pushed change notices that need no HTTP endpoint (the local board's own
   * events, a board's websocket). Returns the unsubscribe function.
   */
  watch?(onHint: (hint: BoardHint) => void): () => void;
  close?(): Promise<void>;
  /**
   * Calls `beforeRequest` before every HTTP request this adapter sends, and
   * waits for it: the engine's one budget for all traffic to the board. An
   * adapter without it is charged one request per call.
   */
  meterRequests?(beforeRequest: () => Promise<void>): void;
}
