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
import { LinearAdapter, LINEAR_BOARD_TYPE } from './adapter';
import { LINEAR_API_URL } from './client';

const log = createLogger('linear');

export const linearConfigSchema = z
  .object({
    ...boardEntryBase,
    type: z.literal(LINEAR_BOARD_TYPE),
    /** Linear's GraphQL endpoint when absent; set only to point at a test server. */
    url: httpUrl.optional(),
    team: requiredBecause(nonEmpty, "required for a linear board: the team's key (ENG) or id"),
    token: requiredBecause(
      secretRefSchema,
      'required for a linear board: a personal API key, as { keychain: NAME } or { env: VARIABLE }',
    ),
    webhook: z
      .object({
        secret: secretRefSchema.optional(),
        token: refusedBecause("Linear signs its webhooks: put the webhook's signing secret in webhook.secret"),
      })
      .strict()
      .optional(),
    poll: pollSchema.optional(),
  })
  .strict();

export type LinearBoardConfig = z.output<typeof linearConfigSchema>;

/** Linear over GraphQL (@linear/sdk); an unreachable API is retried, a wrong team or state is an error when added. */
export const linearModule = {
  type: LINEAR_BOARD_TYPE,
  label: 'Linear',
  configSchema: linearConfigSchema,
  settingsFields: [
    { key: 'team', label: 'Team', kind: 'text', required: true, help: 'Key (ENG) or id' },
    {
      key: 'token',
      label: 'Personal API key',
      kind: 'secret',
      required: true,
      help: 'Settings > Security & access > Personal API keys; stored in the OS keychain',
    },
    {
      key: 'webhook.secret',
      label: 'Webhook signing secret',
      kind: 'secret',
      required: false,
      help: 'Settings > API > Webhooks; lets Deckhand verify Linear-Signature',
    },
    ...columnRoleFields('workflow state', { working: 'In Progress', review: 'In Review' }),
    { key: 'url', label: 'API URL', kind: 'url', required: false, placeholder: LINEAR_API_URL },
  ],
  // A personal key gets 5,000 requests (83/min) and 250,000 complexity points an hour; the adapter meters points itself.
  syncPolicy: { pollIntervalMs: 30_000, fullReconcileMs: 60 * 60_000, requestsPerMinute: 75 },
  async create(board, deps) {
    const token = await resolveSecret(board.token, deps.secrets);
    const webhookSecret = board.webhook?.secret ? await resolveSecret(board.webhook.secret, deps.secrets) : undefined;
    const adapter = new LinearAdapter({
      boardId: board.id,
      url: board.url ?? LINEAR_API_URL,
      team: board.team,
      token,
      ...(webhookSecret !== undefined ? { webhookSecret } : {}),
      ...(board.columns ? { columnRoles: board.columns } : {}),
    });
    return connectOrRetryLater(adapter, board.id, 'Linear', (message) => log.warn(message));
  },
} satisfies BoardModule<'linear', LinearBoardConfig>;
