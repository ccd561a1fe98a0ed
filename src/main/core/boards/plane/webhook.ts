import type { WebhookDelivery, WebhookHint } from '../contract/adapter';
import { WebhookRejected } from '../contract/errors';
import { deliveryIdOf, headerValue, jsonBody, verifyHmac } from '../kit/webhooks/verify';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Verifies one Plane webhook delivery (bgtasks/webhook_task.py): hex
 * HMAC-SHA256 of the raw body in `X-Plane-Signature`, a delivery id in
 * `X-Plane-Delivery`. Plane sends one POST per changed field, so several
 * deliveries name the same task; the engine coalesces their re-reads.
 * Plane signs no timestamp, so a replay is caught by its delivery id only.
 */
export function verifyPlaneWebhook(
  delivery: WebhookDelivery,
  secret: string | undefined,
  projectId: string | undefined,
): WebhookHint {
  verifyHmac(delivery, secret, { header: 'X-Plane-Signature', algorithm: 'sha256', encoding: 'hex' });
  const body = jsonBody(delivery, 'a Plane event: {event, action, data}');
  const event = typeof body.event === 'string' ? body.event : headerValue(delivery, 'X-Plane-Event');
  if (!event || !isObject(body.data)) throw new WebhookRejected(400, 'expected a Plane event: {event, action, data}');
  const data = body.data;
  const ownProject = projectId === undefined || data.project === undefined || data.project === projectId;
  const comment = event === 'issue_comment';
  const taskId = comment ? data.issue : event === 'issue' ? data.id : undefined;
  return {
    deliveryId: deliveryIdOf(delivery, 'plane', 'X-Plane-Delivery'),
    event: `${event}.${typeof body.action === 'string' ? body.action : 'changed'}`,
    kind: comment ? 'comment' : 'task',
    taskIds: ownProject && typeof taskId === 'string' && taskId !== '' ? [taskId] : [],
  };
}
