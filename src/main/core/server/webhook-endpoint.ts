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
 * One delivery: read within the size limit, verified by the board's adapter, answered with what happened.
 * Boards post from elsewhere and carry their own signature, so browser-facing checks (Host, Origin) do not apply.
 */
export async function handleWebhook(
  engine: Pick<SyncEngine, 'handleWebhook'>,
  req: IncomingMessage,
  res: ServerResponse,
  boardId: string,
  url: URL,
): Promise<void> {
  if (req.method !== 'POST') return sendError(res, 405, 'invalid_input', 'webhooks must use POST');
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
