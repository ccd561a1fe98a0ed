import type { WebhookDelivery, WebhookHint } from '../contract/adapter';
import { WebhookRejected } from '../contract/errors';
import { constantTimeEqual, deliveryIdOf, jsonBody, verifyHmac } from '../kit/webhooks/verify';
import { dashed, isNotionId } from './ids';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const SIGNATURE = {
  header: 'X-Notion-Signature',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'sha256=',
} as const;

export interface NotionWebhookContext {
  /** The verification token, once known: Notion signs every event with it. */
  secret: string | undefined;
  /** The board's database and data source, to ignore events about other databases the integration sees. */
  databaseId: string | undefined;
  dataSourceId: string | undefined;
  /** Called with the token of Notion's one-time verification request when none is configured yet. */
  onVerificationToken(token: string): void;
}

/**
 * One Notion webhook delivery. Notion first sends an unsigned
 * `{"verification_token": "secret_…"}` to the subscription's URL; the person
 * pastes that token into Notion to confirm the URL, and from then on every
 * event is signed with it: `X-Notion-Signature: sha256=<hex HMAC-SHA256 of the
 * raw body>`. Events carry ids, never values (`page.properties_updated`,
 * `page.content_updated`, `page.deleted`, `comment.created`, …); each names
 * its page in `entity` (or `data.page_id` for comments) and becomes a hint,
 * and the engine re-reads the page. Notion batches content updates and does
 * not promise order, which re-reading makes harmless. The event's `id` is the
 * delivery id (a redelivery repeats it).
 */
export function verifyNotionWebhook(delivery: WebhookDelivery, ctx: NotionWebhookContext): WebhookHint {
  const handshake = verificationToken(delivery);
  if (handshake !== undefined) return acceptHandshake(delivery, handshake, ctx);
  verifyHmac(delivery, ctx.secret, SIGNATURE);
  const body = jsonBody(delivery, 'a Notion event: {id, type, entity, data}');
  const type = body.type;
  const entity = body.entity;
  if (typeof type !== 'string' || !isObject(entity) || typeof entity.id !== 'string') {
    throw new WebhookRejected(400, 'expected a Notion event: {id, type, entity, data}');
  }
  const data = isObject(body.data) ? body.data : {};
  const comment = type.startsWith('comment.');
  const pageId = comment ? data.page_id : entity.type === 'page' ? entity.id : undefined;
  const ours = fromThisDatabase(data.parent, ctx);
  return {
    deliveryId: typeof body.id === 'string' && body.id !== '' ? `notion-${body.id}` : deliveryIdOf(delivery, 'notion'),
    event: type,
    kind: comment ? 'comment' : 'task',
    taskIds: ours && typeof pageId === 'string' && isNotionId(pageId) ? [dashed(pageId)] : [],
  };
}

/** The token of a verification request: a body that is exactly `{"verification_token": "…"}`. */
function verificationToken(delivery: WebhookDelivery): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(delivery.rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(body) || Object.keys(body).length !== 1 || typeof body.verification_token !== 'string')
    return undefined;
  return body.verification_token;
}

/**
 * The handshake is unsigned, so it may set the token only while none is
 * known (the first subscription; trust on first use, as Notion's own guide
 * does), and never replace one: a forged handshake cannot take over signing.
 */
function acceptHandshake(delivery: WebhookDelivery, token: string, ctx: NotionWebhookContext): WebhookHint {
  if (!/^secret_[A-Za-z0-9_-]{8,200}$/.test(token)) throw new WebhookRejected(400, 'malformed verification_token');
  if (ctx.secret !== undefined && !constantTimeEqual(token, ctx.secret)) {
    throw new WebhookRejected(
      401,
      'a verification request with another token than the configured one; to re-subscribe, delete the stored webhook secret first',
    );
  }
  if (ctx.secret === undefined) ctx.onVerificationToken(token);
  return {
    deliveryId: deliveryIdOf(delivery, 'notion-verification'),
    event: 'verification',
    kind: 'task',
    taskIds: [],
  };
}

/** Events name the page's parent; a page in another database the integration can see is not ours. */
function fromThisDatabase(parent: unknown, ctx: NotionWebhookContext): boolean {
  if (!isObject(parent)) return true;
  const ids = [parent.id, parent.data_source_id, parent.database_id].filter((v): v is string => typeof v === 'string');
  if (ids.length === 0 || (ctx.databaseId === undefined && ctx.dataSourceId === undefined)) return true;
  if (parent.type === 'page' || parent.type === 'block' || parent.type === 'space' || parent.type === 'workspace') {
    // A comment's parent is its page; a page at the top of the workspace is not in a database.
    return parent.type === 'page' || parent.type === 'block';
  }
  return ids.some((id) => isNotionId(id) && [ctx.databaseId, ctx.dataSourceId].includes(dashed(id)));
}
