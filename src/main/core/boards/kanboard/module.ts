import { z } from 'zod';
import {
  boardEntryBase,
  httpUrl,
  nonEmpty,
  pollSchema,
  refusedBecause,
  requiredBecause,
  secretRefSchema,
  unlessMissing,
} from '../../config/blocks';
import { createLogger } from '../../logger';
import { resolveSecret } from '../../secrets/resolve';
import { columnRoleFields, connectOrRetryLater, type BoardModule } from '../contract/module';
import { KanboardAdapter, KANBOARD_BOARD_TYPE } from './kanboard-adapter';

const log = createLogger('kanboard');

export const kanboardConfigSchema = z
  .object({
    ...boardEntryBase,
    type: z.literal(KANBOARD_BOARD_TYPE),
    url: requiredBecause(httpUrl, 'required for a kanboard board: where its API lives'),
    /** The board's project, by name or numeric id. */
    project: requiredBecause(
      z.union([nonEmpty, z.int().min(1, 'a numeric project id is 1 or more')], {
        error: unlessMissing('expected a project name or a numeric project id'),
      }),
      'required for a kanboard board: its name or numeric id',
    ),
    username: nonEmpty.optional(),
    token: requiredBecause(
      secretRefSchema,
      'required for a kanboard board: its API token, as { keychain: NAME } or { env: VARIABLE }',
    ),
    webhook: z
      .object({
        token: secretRefSchema.optional(),
        secret: refusedBecause('Kanboard sends a token, not a signature: put its webhook token in webhook.token'),
      })
      .strict()
      .optional(),
    poll: pollSchema.optional(),
  })
  .strict();

export type KanboardBoardConfig = z.output<typeof kanboardConfigSchema>;

/**
 * Kanboard over JSON-RPC. A wrong project, column, URL or token is an error
 * when the board is added, with a message that says what to fix; a server
 * that is merely unreachable is logged, and the adapter connects on the
 * engine's next attempt.
 */
export const kanboardModule = {
  type: KANBOARD_BOARD_TYPE,
  label: 'Kanboard',
  configSchema: kanboardConfigSchema,
  settingsFields: [
    {
      key: 'url',
      label: 'JSON-RPC URL',
      kind: 'url',
      required: true,
      placeholder: 'https://kanboard.example.com/jsonrpc.php',
    },
    { key: 'project', label: 'Project', kind: 'number-or-text', required: true, help: 'Project name or numeric id' },
    {
      key: 'username',
      label: 'Username',
      kind: 'text',
      // The config may leave it out (the client then uses "jsonrpc"), so the form does not insist either.
      required: false,
      placeholder: 'jsonrpc',
      help: 'Leave empty (or "jsonrpc") for the application API token; your user name for a personal access token',
    },
    { key: 'token', label: 'API token', kind: 'secret', required: true, help: 'Stored in the OS keychain' },
    {
      key: 'webhook.token',
      label: 'Webhook token',
      kind: 'secret',
      required: false,
      help: "From Kanboard's Settings > Webhooks; lets Deckhand verify deliveries",
    },
    ...columnRoleFields('column', {
      working: 'Work in progress',
      review: 'Ready for Review',
      blocked: 'Blocked — Needs Input',
    }),
  ],
  // Self-hosted, no API limit; one PHP worker answers a request in ~10 ms (~100/s), so 3,000/min (50/s) leaves it half idle.
  syncPolicy: { pollIntervalMs: 15_000, fullReconcileMs: 10 * 60_000, requestsPerMinute: 3_000 },
  async create(board, deps) {
    const token = await resolveSecret(board.token, deps.secrets);
    const webhookToken = board.webhook?.token ? await resolveSecret(board.webhook.token, deps.secrets) : undefined;
    const adapter = new KanboardAdapter({
      boardId: board.id,
      url: board.url,
      project: board.project,
      token,
      ...(board.username !== undefined ? { username: board.username } : {}),
      ...(webhookToken !== undefined ? { webhookToken } : {}),
      ...(board.columns ? { columnRoles: board.columns } : {}),
    });
    return connectOrRetryLater(adapter, board.id, 'Kanboard', (message) => log.warn(message));
  },
} satisfies BoardModule<'kanboard', KanboardBoardConfig>;
