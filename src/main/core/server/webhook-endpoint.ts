import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SyncEngine } from '../engine/sync-engine';
import { createLogger } from '../logger';
import { BodyError, readRawBody } from './body';
import { sendError, sendJson } from './respond';

const log = createLogger('webhooks');

/** Board webhooks carry one event each; the largest real payloads are a few KB. */
const WEBHOOK_BODY_LIMIT = 256 * 1024;

/** `POST /webhooks/<board id>`: the board id part, or null for any other path. */
export function webhookBoardId(pathname: string): string | null {
  return /^\/webhooks\/([a-z0-9][a-z0-9_-]*)$/.exec(pathname)?.[1] ?? null;
}

/**
 * Why a delivery's headers are refused with 415, or null when they are fine. Every board we support posts
 * `application/json` (a charset is allowed) and uncompressed; we do not decompress, so an encoded body could
 * only fail later as "not JSON", which would hide the real cause.
 */
export function unsupportedDeliveryFormat(headers: IncomingMessage['headers']): string | null {
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    return `webhook deliveries must be Content-Type: application/json (got "${type || 'none'}")`;
  }
  const encoding = (headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    return `webhook deliveries must not be compressed (got Content-Encoding: "${encoding}")`;
  }
  return null;
}

/**
 * One delivery: read within the size limit, verified by the board's adapter, answered with what happened.
 * Boards post from elsewhere and carry their own signature, so browser-facing checks (Host, Origin) do not apply.
 */
export async function handleWebhook(
  engine: Pick<SyncEngine, 'handleWebhook' | 'refuseWebhook'>,
  req: IncomingMessage,
  res: ServerResponse,
  boardId: string,
  url: URL,
): Promise<void> {
  if (req.method !== 'POST') return sendError(res, 405, 'invalid_input', 'webhooks must use POST');
  const unsupported = unsupportedDeliveryFormat(req.headers);
  if (unsupported) {
    log.warn(`webhook for ${boardId} rejected (415): ${unsupported}`);
    engine.refuseWebhook(boardId, unsupported);
    return sendError(res, 415, 'invalid_input', unsupported);
  }
  let rawBody: Buffer;
  try {
    rawBody = await readRawBody(req, WEBHOOK_BODY_LIMIT);
  } catch (err) {
    if (err instanceof BodyError) return sendError(res, err.status, 'invalid_input', err.message);
    throw err;
  }
  const outcome = engine.handleWebhook(boardId, { headers: req.headers, query: url.searchParams, rawBody });
  if (outcome.status >= 400) log.warn(`webhook for ${boardId} rejected (${outcome.status}): ${outcome.message}`);
  sendJson(res, outcome.status, { ok: outcome.status < 400, message: outcome.message });
}
