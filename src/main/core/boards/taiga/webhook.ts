import type { WebhookDelivery, WebhookHint } from '../contract/adapter';
import { WebhookRejected } from '../contract/errors';
import { deliveryIdOf, jsonBody, verifyHmac } from '../kit/webhooks/verify';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Verifies one Taiga webhook delivery (taiga/webhooks/tasks.py): hex
 * HMAC-SHA1 of the raw body with the webhook's key in
 * `X-TAIGA-WEBHOOK-SIGNATURE`. Taiga sends no delivery id and signs no
 * timestamp; its body carries the change's `date`, so a hash of the body is
 * the delivery's id and a replay is dropped by it. A comment arrives as
 * `action: change` with `change.comment` set. Only user stories are tasks
 * here; other types (Taiga tasks, issues, wiki pages) give an empty hint.
 */
export function verifyTaigaWebhook(
  delivery: WebhookDelivery,
  key: string | undefined,
  projectId: number | undefined,
): WebhookHint {
  verifyHmac(delivery, key, { header: 'X-TAIGA-WEBHOOK-SIGNATURE', algorithm: 'sha1', encoding: 'hex' });
  const body = jsonBody(delivery, 'a Taiga event: {action, type, data}');
  const { action, type, data } = body;
  if (typeof action !== 'string' || typeof type !== 'string' || !isObject(data)) {
    throw new WebhookRejected(400, 'expected a Taiga event: {action, type, data}');
  }
  const change = isObject(body.change) ? body.change : {};
  const comment = typeof change.comment === 'string' && change.comment !== '';
  const project = isObject(data.project) ? data.project.id : data.project;
  const ownProject = projectId === undefined || project === undefined || project === projectId;
  const storyId =
    type === 'userstory' && (typeof data.id === 'number' || typeof data.id === 'string') ? String(data.id) : '';
  return {
    deliveryId: deliveryIdOf(delivery, 'taiga'),
    event: `${type}.${comment ? 'comment' : action}`,
    kind: comment ? 'comment' : 'task',
    taskIds: ownProject && storyId !== '' ? [storyId] : [],
  };
}
