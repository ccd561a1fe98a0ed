import type { WebhookDelivery, WebhookHint } from '../contract/adapter';
import { WebhookRejected } from '../contract/errors';
import { constantTimeEqual, deliveryIdOf, headerValue, jsonBody } from '../kit/webhooks/verify';

/** Activity types that are about a card's comments (models/activities.js activityType values). */
const COMMENT_EVENTS = new Set(['act-addComment', 'act-editComment', 'act-deleteComment']);

/**
 * Verifies one delivery of a WeKan outgoing webhook
 * (server/notifications/outgoing.js): the integration's plain token in
 * `X-Wekan-Token`, compared in constant time; WeKan signs nothing and sends
 * no delivery id, so the body's hash is the id. The body names the activity
 * (`description: "act-moveCard"`) and `cardId`. It is a hint only: WeKan
 * sends it only for changes made in its web UI (a method with a user), not
 * for REST writes, and never retries, so polling stays the reliable path.
 */
export function verifyWekanWebhook(
  delivery: WebhookDelivery,
  token: string | undefined,
  boardId: string | undefined,
): WebhookHint {
  if (!token) throw new WebhookRejected(401, 'no webhook token is configured for this board');
  const given = headerValue(delivery, 'X-Wekan-Token')?.trim();
  if (!given) throw new WebhookRejected(401, 'missing X-Wekan-Token header');
  if (!constantTimeEqual(given, token)) throw new WebhookRejected(401, 'wrong X-Wekan-Token');
  const body = jsonBody(delivery, 'a WeKan outgoing webhook: {text, description, cardId, boardId}');
  const { description, cardId } = body;
  if (typeof description !== 'string' || typeof body.text !== 'string') {
    throw new WebhookRejected(400, 'expected a WeKan outgoing webhook: {text, description, cardId, boardId}');
  }
  const ownBoard = boardId === undefined || body.boardId === undefined || body.boardId === boardId;
  const comment = COMMENT_EVENTS.has(description) || typeof body.commentId === 'string';
  return {
    deliveryId: deliveryIdOf(delivery, 'wekan'),
    event: description,
    kind: comment ? 'comment' : 'task',
    taskIds: ownBoard && typeof cardId === 'string' && cardId !== '' ? [cardId] : [],
  };
}
