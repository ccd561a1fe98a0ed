import type { WebhookDelivery, WebhookHint } from '../contract/adapter';
import { WebhookRejected } from '../contract/errors';
import { checkTimestamp, deliveryIdOf, jsonBody, verifyHmac } from '../kit/webhooks/verify';

/** The window Linear's SDK allows between `webhookTimestamp` and now (LinearWebhookClient.verify). */
export const LINEAR_TIMESTAMP_WINDOW_MS = 60_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Verifies one Linear webhook delivery as the SDK's LinearWebhookClient
 * does: `Linear-Signature` is the hex HMAC-SHA256 of the raw body with the
 * webhook's signing secret, and the body's `webhookTimestamp` (ms) must be
 * within a minute of now, so a captured delivery cannot be replayed later.
 * `Issue` deliveries are task hints; `Comment` deliveries are comment hints
 * for their issue. Other resource types and other teams' issues name no task.
 */
export function verifyLinearWebhook(
  delivery: WebhookDelivery,
  secret: string | undefined,
  teamId: string | undefined,
  now = Date.now(),
): WebhookHint {
  verifyHmac(delivery, secret, { header: 'Linear-Signature', algorithm: 'sha256', encoding: 'hex' });
  const body = jsonBody(delivery, 'a Linear webhook: {action, type, data, webhookTimestamp}');
  checkTimestamp(body.webhookTimestamp, now, LINEAR_TIMESTAMP_WINDOW_MS);
  const type = body.type;
  const action = typeof body.action === 'string' ? body.action : 'changed';
  if (typeof type !== 'string' || !isObject(body.data)) {
    throw new WebhookRejected(400, 'expected a Linear webhook: {action, type, data, webhookTimestamp}');
  }
  const data = body.data;
  const comment = type === 'Comment';
  const taskId = comment
    ? (data.issueId ?? (isObject(data.issue) ? data.issue.id : undefined))
    : type === 'Issue'
      ? data.id
      : undefined;
  const dataTeam = comment ? (isObject(data.issue) ? data.issue.teamId : undefined) : data.teamId;
  const ownTeam = teamId === undefined || dataTeam === undefined || dataTeam === teamId;
  return {
    deliveryId: deliveryIdOf(delivery, 'linear', 'Linear-Delivery'),
    event: `${type}.${action}`,
    kind: comment ? 'comment' : 'task',
    taskIds: ownTeam && typeof taskId === 'string' && taskId !== '' ? [taskId] : [],
  };
}
