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
import { PlaneAdapter, PLANE_BOARD_TYPE } from './adapter';
import { PLANE_CLOUD_URL } from './client';

const log = createLogger('plane');

export const planeConfigSchema = z
  .object({
    ...boardEntryBase,
    type: z.literal(PLANE_BOARD_TYPE),
    /** Plane Cloud when absent; a self-hosted Plane's address otherwise. */
    url: httpUrl.optional(),
    workspace: requiredBecause(nonEmpty, "required for a plane board: the workspace's slug, as in its URL"),
    project: requiredBecause(nonEmpty, 'required for a plane board: its identifier (DEMO) or UUID'),
    token: requiredBecause(
      secretRefSchema,
      'required for a plane board: its API key, as { keychain: NAME } or { env: VARIABLE }',
    ),
    webhook: z
      .object({
        secret: secretRefSchema.optional(),
        token: refusedBecause('Plane signs its webhooks: put the webhook secret (plane_wh_…) in webhook.secret'),
      })
      .strict()
      .optional(),
    poll: pollSchema.optional(),
  })
  .strict();

export type PlaneBoardConfig = z.output<typeof planeConfigSchema>;

/** Plane over REST v1; an unreachable server is retried, a wrong project or state is an error when added. */
export const planeModule = {
  type: PLANE_BOARD_TYPE,
  label: 'Plane',
  configSchema: planeConfigSchema,
  settingsFields: [
    { key: 'url', label: 'Plane URL', kind: 'url', required: false, placeholder: PLANE_CLOUD_URL },
    { key: 'workspace', label: 'Workspace', kind: 'text', required: true, help: "The workspace's slug, as in its URL" },
    { key: 'project', label: 'Project', kind: 'text', required: true, help: 'Identifier (DEMO) or UUID' },
    { key: 'token', label: 'API key', kind: 'secret', required: true, help: 'Stored in the OS keychain' },
    {
      key: 'webhook.secret',
      label: 'Webhook secret',
      kind: 'secret',
      required: false,
      help: 'From Workspace settings > Webhooks; lets Deckhand verify X-Plane-Signature',
    },
    ...columnRoleFields('state', { working: 'In Progress', review: 'In Review' }),
  ],
  // Plane's API allows 60 requests a minute per key (API_KEY_RATE_LIMIT): keep some for the person's own scripts.
  syncPolicy: { pollIntervalMs: 15_000, fullReconcileMs: 10 * 60_000, requestsPerMinute: 50 },
  async create(board, deps) {
    const token = await resolveSecret(board.token, deps.secrets);
    const webhookSecret = board.webhook?.secret ? await resolveSecret(board.webhook.secret, deps.secrets) : undefined;
    const adapter = new PlaneAdapter({
      boardId: board.id,
      url: board.url ?? PLANE_CLOUD_URL,
      workspace: board.workspace,
      project: board.project,
      token,
      ...(webhookSecret !== undefined ? { webhookSecret } : {}),
      ...(board.columns ? { columnRoles: board.columns } : {}),
    });
    return connectOrRetryLater(adapter, board.id, 'Plane', (message) => log.warn(message));
  },
} satisfies BoardModule<'plane', PlaneBoardConfig>;
