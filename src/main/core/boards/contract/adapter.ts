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
   * (or the input cursor when nothing changed). Never the local clock: that is
   * what makes a skewed board clock harmless.
   */
  cursor: string | null;
  /** Only from boards with `listDeleted`. */
  deletedIds?: string[];
}

export interface WebhookDelivery {
  headers: Record<string, string | string[] | undefined>;
  query: URLSearchParams;
  rawBody: Buffer;
}

/** A verified webhook is only a hint: the engine re-reads the tasks it names. */
export interface WebhookHint {
  /** Unique per delivery; repeats are dropped. */
  deliveryId: string;
  event: string;
  taskIds: string[];
}

export interface CreateTaskInput {
  fields: Partial<TaskFields> & { title: string };
  /** Idempotency marker stored on the created task (reference, metadata, external id, ...). */
  marker: string;
}

/**
 * One board behind a uniform, canonical interface. Adapters throw BoardError
 * (see errors.ts) so the engine can tell transient failures from permanent ones.
 */
export interface BoardAdapter {
  readonly boardId: string;
  readonly type: string;
  readonly capabilities: BoardCapabilities;
  /** Column names in board order. */
  listColumns(): Promise<string[]>;
  /** Every open task, in as few requests as the API allows. */
  listTasks(): Promise<Task[]>;
  /** Tasks whose board-side updatedAt >= `since` (the engine passes an overlapping watermark). */
  listChangedSince(since: string | null): Promise<ChangePage>;
  /** Current state, or null when the task no longer exists. */
  getTask(id: string): Promise<Task | null>;
  findTaskByMarker(marker: string): Promise<Task | null>;
  createTask(input: CreateTaskInput): Promise<Task>;
  /** Applies the given fields and returns the task as the board now has it. */
  updateTask(id: string, patch: FieldPatch): Promise<Task>;
  listComments(taskId: string): Promise<Comment[]>;
  addComment(taskId: string, body: string, marker: string): Promise<Comment>;
  findCommentByMarker(taskId: string, marker: string): Promise<Comment | null>;
  /** Verifies a delivery the way this board signs it; throws WebhookRejected otherwise. */
  verifyWebhook?(delivery: WebhookDelivery): WebhookHint;
  /** Whether deliveries can be verified now (a webhook secret is set); without one every delivery is refused. */
  webhookConfigured?(): boolean;
  close?(): Promise<void>;
}
