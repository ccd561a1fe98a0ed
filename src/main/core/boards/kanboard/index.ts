import type { BoardConfig } from '../../config';
import { createLogger } from '../../logger';
import { resolveSecret, type SecretBackends } from '../../secrets/resolve';
import { BoardError } from '../errors';
import { KanboardAdapter } from './kanboard-adapter';

export { KanboardAdapter, KANBOARD_BOARD_TYPE, type KanboardAdapterOptions } from './kanboard-adapter';
export { verifyKanboardWebhook } from './webhook';

const log = createLogger('kanboard');

/**
 * Builds and connects the adapter for a `type: kanboard` board. A wrong
 * project, column, URL or token is an error now, with a message that says what
 * to fix; a server that is merely unreachable is logged, and the adapter
 * connects on the engine's next attempt.
 */
export async function createKanboardAdapter(board: BoardConfig, secrets: SecretBackends): Promise<KanboardAdapter> {
  if (!board.url) throw new Error(`board ${board.id}: a kanboard board needs url (Kanboard's address)`);
  if (board.project === undefined) {
    throw new Error(`board ${board.id}: a kanboard board needs project (the project's name or numeric id)`);
  }
  if (!board.token) {
    throw new Error(
      `board ${board.id}: a kanboard board needs token: { keychain: NAME } or { env: NAME } holding the API token`,
    );
  }
  const token = await resolveSecret(board.token, secrets);
  const webhookToken = board.webhook?.token ? await resolveSecret(board.webhook.token, secrets) : undefined;
  const adapter = new KanboardAdapter({
    boardId: board.id,
    url: board.url,
    project: board.project,
    token,
    ...(board.username !== undefined ? { username: board.username } : {}),
    ...(webhookToken !== undefined ? { webhookToken } : {}),
    ...(board.columns ? { columnRoles: board.columns } : {}),
  });
  try {
    await adapter.connect();
  } catch (err) {
    if (!(err instanceof BoardError && err.retryable)) throw err;
    log.warn(`board ${board.id}: Kanboard is not reachable yet (${err.message}); will retry`);
  }
  return adapter;
}
