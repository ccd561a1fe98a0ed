import type { WebhookDelivery, WebhookHint } from '../contract/adapter';
import { WebhookRejected } from '../contract/errors';
import { constantTimeEqual, deliveryIdOf, jsonBody } from '../kit/webhooks/verify';
import { num } from './values';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Task ids an event names: the task itself, a comment's or subtask's task, both ends of an internal link. */
function taskIdsOf(data: Record<string, unknown>): number[] {
  const ids: unknown[] = [data.task_id];
  if (isObject(data.task)) ids.push(data.task.id);
  for (const key of ['comment', 'subtask', 'file']) {
    const item = data[key];
    if (isObject(item)) ids.push(item.task_id);
  }
  if (isObject(data.task_link)) ids.push(data.task_link.task_id, data.task_link.opposite_task_id);
  return [...new Set(ids.map(num).filter((id) => id > 0))];
}

/**
 * Verifies one Kanboard webhook delivery and turns it into a hint.
 *
 * Kanboard posts `{event_name, event_data, event_author}` to one global URL with
 * `?token=<webhook_token>` and no signature, for every project. The token is
 * compared in constant time; events of other projects give an empty hint
 * (except a move out of this project, which the engine must re-read). Kanboard
 * sends no delivery id, so the id is a hash of the raw body: a replayed or
 * redelivered body is the same delivery.
 */
export function verifyKanboardWebhook(
  delivery: WebhookDelivery,
  expectedToken: string | undefined,
  projectId: number,
): WebhookHint {
  if (!expectedToken) {
    throw new WebhookRejected(401, 'no webhook token is configured for this board (webhook.token in the config)');
  }
  const given = delivery.query.get('token');
  if (given === null || given === '') throw new WebhookRejected(401, 'missing ?token= in the webhook URL');
  if (!constantTimeEqual(given, expectedToken)) throw new WebhookRejected(401, 'wrong webhook token');

  const expected = 'a Kanboard event: {event_name, event_data, event_author}';
  const body = jsonBody(delivery, expected);
  if (typeof body.event_name !== 'string' || body.event_name === '' || !isObject(body.event_data)) {
    throw new WebhookRejected(400, `expected ${expected}`);
  }
  const data = body.event_data;
  const task = isObject(data.task) ? data.task : undefined;
  const ownProject = task === undefined || task.project_id === undefined || num(task.project_id) === projectId;
  const leftProject = body.event_name === 'task.move.project';
  const taskIds = ownProject || leftProject ? taskIdsOf(data).map(String) : [];
  return {
    deliveryId: deliveryIdOf(delivery, 'kb'),
    event: body.event_name,
    // A comment does not change a task's version: the kind tells the engine to wake a run waiting for an answer.
    kind: body.event_name.startsWith('comment.') ? 'comment' : 'task',
    taskIds,
  };
}
