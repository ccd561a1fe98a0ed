import { z } from 'zod';
import {
  boardEntryBase,
  httpUrl,
  nonEmpty,
  pollSchema,
  refusedBecause,
  requiredBecause,
  secretRefSchema,
} from '../../config/blocks';
import { createLogger } from '../../logger';
import { resolveSecret } from '../../secrets/resolve';
import { columnRoleFields, connectOrRetryLater, type BoardModule } from '../contract/module';
import { TaigaAdapter, TAIGA_BOARD_TYPE } from './adapter';

const log = createLogger('taiga');

export const taigaConfigSchema = z
  .object({
    ...boardEntryBase,
    type: z.literal(TAIGA_BOARD_TYPE),
    url: requiredBecause(httpUrl, "required for a taiga board: the server's address, e.g. https://taiga.example.com"),
    project: requiredBecause(nonEmpty, "required for a taiga board: the project's slug (as in its URL) or its id"),
    username: requiredBecause(nonEmpty, 'required for a taiga board: the Taiga user Deckhand logs in as'),
    password: requiredBecause(
      secretRefSchema,
      "required for a taiga board: that user's password, as { keychain: NAME } or { env: VARIABLE }",
    ),
    webhook: z
      .object({
        key: secretRefSchema.optional(),
        secret: refusedBecause("Taiga calls it the webhook's key: put it in webhook.key"),
        token: refusedBecause("Taiga signs its webhooks with the webhook's key: put it in webhook.key"),
      })
      .strict()
      .optional(),
    poll: pollSchema.optional(),
  })
  .strict();

export type TaigaBoardConfig = z.output<typeof taigaConfigSchema>;

/** Taiga over REST v1; an unreachable server is retried, a wrong project or status is an error when added. */
export const taigaModule = {
  type: TAIGA_BOARD_TYPE,
  label: 'Taiga',
  configSchema: taigaConfigSchema,
  settingsFields: [
    { key: 'url', label: 'Taiga URL', kind: 'url', required: true, placeholder: 'https://taiga.example.com' },
    { key: 'project', label: 'Project', kind: 'text', required: true, help: 'Its slug, as in the URL, or its id' },
    { key: 'username', label: 'Username', kind: 'text', required: true, help: 'The Taiga user Deckhand logs in as' },
    { key: 'password', label: 'Password', kind: 'secret', required: true, help: 'Stored in the OS keychain' },
    {
      key: 'webhook.key',
      label: 'Webhook key',
      kind: 'secret',
      required: false,
      help: "The key of the project's webhook (Admin > Integrations > Webhooks); lets Deckhand verify X-TAIGA-WEBHOOK-SIGNATURE",
    },
    ...columnRoleFields('status', { working: 'In progress', review: 'Ready for test' }),
  ],
  // Self-hosted Taiga throttles nothing by default (settings: all rates None); a changed story costs two requests.
  syncPolicy: { pollIntervalMs: 15_000, fullReconcileMs: 10 * 60_000, requestsPerMinute: 600 },
  async create(board, deps) {
    const password = await resolveSecret(board.password, deps.secrets);
    const webhookKey = board.webhook?.key ? await resolveSecret(board.webhook.key, deps.secrets) : undefined;
    const adapter = new TaigaAdapter({
      boardId: board.id,
      url: board.url,
      project: board.project,
      username: board.username,
      password,
      ...(webhookKey !== undefined ? { webhookKey } : {}),
      ...(board.columns ? { columnRoles: board.columns } : {}),
    });
    return connectOrRetryLater(adapter, board.id, 'Taiga', (message) => log.warn(message));
  },
} satisfies BoardModule<'taiga', TaigaBoardConfig>;
