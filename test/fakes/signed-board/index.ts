/**
 * TEST FAKE of a board that pushes HMAC-signed webhooks, so the engine's real
 * intake path (POST /webhooks/<boardId> on the HTTP server → adapter
 * verification → delivery-id dedupe → hint) can be tested end to end. It is
 * not a real board: tasks live on a built-in local board (its own SQLite file,
 * standing in for the board's server), and the webhook side follows common
 * practice (GitHub, Linear, Stripe):
 *
 * - `X-Signature-256: sha256=<hex>`: HMAC-SHA256 over the raw body with the
 *   shared secret, compared in constant time;
 * - `X-Delivery-Id`: unique per delivery (redeliveries repeat it);
 * - `X-Timestamp`: Unix seconds; deliveries more than 5 minutes off are stale.
 *
 * The signature covers the body only, so the body repeats the delivery id and
 * timestamp and both must match their headers: neither can be swapped on a
 * captured delivery. Body: `{"deliveryId","timestamp","event","taskIds":[...]}`.
 */
import type {
  BoardAdapter,
  BoardCapabilities,
  ChangePage,
  CreateTaskInput,
  WebhookDelivery,
  WebhookHint,
} from '../../../src/main/core/boards/contract/adapter';
import { WebhookRejected } from '../../../src/main/core/boards/contract/errors';
import { checkTimestamp, jsonBody, signHmac, verifyHmac } from '../../../src/main/core/boards/kit/webhooks/verify';
import type { Comment, FieldPatch, Task } from '../../../src/shared/task';

export const SIGNATURE_HEADER = 'x-signature-256';
export const DELIVERY_HEADER = 'x-delivery-id';
export const TIMESTAMP_HEADER = 'x-timestamp';
/** How far a delivery's timestamp may be from our clock, either way. */
export const MAX_SKEW_MS = 5 * 60_000;

export interface SignedBoardOptions {
  /** The board behind the webhooks (a LocalBoardAdapter on its own database). */
  inner: BoardAdapter;
  secret: string;
  /** Our clock, for the staleness check. */
  now?: () => number;
}

/** Counts of the calls the engine made, so tests can tell how often it re-read the board. */
export type CallCounts = Record<string, number>;

export class SignedBoardAdapter implements BoardAdapter {
  readonly type = 'signed-test';
  readonly boardId: string;
  readonly capabilities: BoardCapabilities;
  readonly calls: CallCounts = {};
  private readonly inner: BoardAdapter;
  private readonly secret: string;
  private readonly now: () => number;

  constructor(options: SignedBoardOptions) {
    this.inner = options.inner;
    this.boardId = options.inner.boardId;
    this.capabilities = { ...options.inner.capabilities, webhooks: true };
    this.secret = options.secret;
    this.now = options.now ?? Date.now;
  }

  private count(op: string): void {
    this.calls[op] = (this.calls[op] ?? 0) + 1;
  }

  listColumns(): Promise<string[]> {
    this.count('listColumns');
    return this.inner.listColumns();
  }
  listTasks(): Promise<Task[]> {
    this.count('listTasks');
    return this.inner.listTasks();
  }
  listChangedSince(since: string | null): Promise<ChangePage> {
    this.count('listChangedSince');
    return this.inner.listChangedSince(since);
  }
  getTask(id: string): Promise<Task | null> {
    this.count('getTask');
    return this.inner.getTask(id);
  }
  findTaskByMarker(marker: string): Promise<Task | null> {
    this.count('findTaskByMarker');
    return this.inner.findTaskByMarker(marker);
  }
  createTask(input: CreateTaskInput): Promise<Task> {
    this.count('createTask');
    return this.inner.createTask(input);
  }
  updateTask(id: string, patch: FieldPatch): Promise<Task> {
    this.count('updateTask');
    return this.inner.updateTask(id, patch);
  }
  listComments(taskId: string): Promise<Comment[]> {
    this.count('listComments');
    return this.inner.listComments(taskId);
  }
  addComment(taskId: string, body: string, marker: string): Promise<Comment> {
    this.count('addComment');
    return this.inner.addComment(taskId, body, marker);
  }
  findCommentByMarker(taskId: string, marker: string): Promise<Comment | null> {
    this.count('findCommentByMarker');
    return this.inner.findCommentByMarker(taskId, marker);
  }

  /** Checks the signature before reading anything else from the body. */
  verifyWebhook(delivery: WebhookDelivery): WebhookHint {
    const header = (name: string): string | undefined => {
      const value = delivery.headers[name];
      if (Array.isArray(value)) throw new WebhookRejected(400, `${name} was sent more than once`);
      return value;
    };
    // The kit's checks, as a real adapter uses them: signature over the raw body first, then the timestamp window.
    verifyHmac(delivery, this.secret, SCHEME);
    const timestamp = header(TIMESTAMP_HEADER);
    if (!timestamp || !/^\d{1,12}$/.test(timestamp)) {
      throw new WebhookRejected(400, `missing or malformed ${TIMESTAMP_HEADER}`);
    }
    checkTimestamp(timestamp, this.now(), MAX_SKEW_MS);
    const deliveryId = header(DELIVERY_HEADER);
    if (!deliveryId || !/^[\w.:-]{1,200}$/.test(deliveryId)) {
      throw new WebhookRejected(400, `missing or malformed ${DELIVERY_HEADER}`);
    }

    const body = jsonBody(delivery, '{"deliveryId","timestamp","event","taskIds":[...]}');
    const { event, taskIds, deliveryId: signedId, timestamp: signedTime } = body;
    if (signedId !== deliveryId || String(signedTime) !== timestamp) {
      throw new WebhookRejected(401, 'the signed body names another delivery id or timestamp than the headers');
    }
    if (typeof event !== 'string' || !Array.isArray(taskIds) || taskIds.length > 100) {
      throw new WebhookRejected(400, 'the body needs an event and a list of task ids');
    }
    if (!taskIds.every((id): id is string => typeof id === 'string' && id.length > 0 && id.length <= 200)) {
      throw new WebhookRejected(400, 'task ids must be non-empty strings');
    }
    return { deliveryId, event, kind: event.startsWith('comment') ? 'comment' : 'task', taskIds };
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}

const SCHEME = { header: SIGNATURE_HEADER, algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' } as const;

export function sign(secret: string, body: string | Buffer): string {
  return signHmac(body, secret, SCHEME);
}

export interface SignedDelivery {
  body: string;
  headers: Record<string, string>;
}

/** A correctly signed delivery, as the board would send it. */
export function signedDelivery(
  secret: string,
  payload: { deliveryId: string; event?: string; taskIds: string[]; timestampMs?: number },
): SignedDelivery {
  const timestamp = String(Math.floor((payload.timestampMs ?? Date.now()) / 1000));
  const body = JSON.stringify({
    deliveryId: payload.deliveryId,
    timestamp,
    event: payload.event ?? 'task.updated',
    taskIds: payload.taskIds,
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: sign(secret, body),
      [DELIVERY_HEADER]: payload.deliveryId,
      [TIMESTAMP_HEADER]: timestamp,
    },
  };
}
