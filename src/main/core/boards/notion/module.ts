import { z } from 'zod';
import { boardEntryBase, httpUrl, nonEmpty, pollSchema, requiredBecause, secretRefSchema } from '../../config/blocks';
import { createLogger } from '../../logger';
import { MissingSecretError, resolveSecret } from '../../secrets/resolve';
import { BoardError } from '../contract/errors';
import { columnRoleFields, connectOrRetryLater, type BoardModule } from '../contract/module';
import { NotionAdapter, NOTION_BOARD_TYPE } from './adapter';
import { NOTION_API_URL } from './client';
import { parseDatabaseId } from './ids';

const log = createLogger('notion');

/** Database ids or URLs are checked at `deckhand check`, not first at connect. */
const databaseRef = nonEmpty.superRefine((value, ctx) => {
  try {
    parseDatabaseId(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof BoardError ? err.message : String(err) });
  }
});

export const notionConfigSchema = z
  .object({
    ...boardEntryBase,
    type: z.literal(NOTION_BOARD_TYPE),
    /** Notion's API when absent; tests point it at the fake. */
    url: httpUrl.optional(),
    database: requiredBecause(databaseRef, "required for a notion board: the database's id, or its URL as copied"),
    token: requiredBecause(
      secretRefSchema,
      "required for a notion board: the integration's secret (ntn_…), as { keychain: NAME } or { env: VARIABLE }",
    ),
    webhook: z.object({ secret: secretRefSchema.optional() }).strict().optional(),
    /** The database's property names for the canonical fields; each has a default found by type (see docs). */
    properties: z
      .object({
        status: nonEmpty.optional(),
        labels: nonEmpty.optional(),
        assignee: nonEmpty.optional(),
        priority: nonEmpty.optional(),
        agent_notes: nonEmpty.optional(),
        due: nonEmpty.optional(),
        parent: nonEmpty.optional(),
      })
      .strict()
      .optional(),
    poll: pollSchema.optional(),
  })
  .strict();

export type NotionBoardConfig = z.output<typeof notionConfigSchema>;

/** Notion over its REST API and official SDK; a wrong database or property is an error when added. */
export const notionModule = {
  type: NOTION_BOARD_TYPE,
  label: 'Notion',
  configSchema: notionConfigSchema,
  settingsFields: [
    {
      key: 'database',
      label: 'Database',
      kind: 'text',
      required: true,
      help: "The database's URL (Share > Copy link) or id; share the database with the integration",
    },
    { key: 'token', label: 'Integration secret', kind: 'secret', required: true, help: 'Stored in the OS keychain' },
    {
      key: 'webhook.secret',
      label: 'Webhook verification token',
      kind: 'secret',
      required: false,
      help: 'Notion sends it once to the webhook URL; Deckhand verifies X-Notion-Signature with it',
    },
    { key: 'properties.status', label: 'Status property', kind: 'text', required: false, placeholder: 'Status' },
    { key: 'properties.labels', label: 'Labels property', kind: 'text', required: false, placeholder: 'Tags' },
    { key: 'properties.assignee', label: 'Assignee property', kind: 'text', required: false, placeholder: 'Assignee' },
    { key: 'properties.agent_notes', label: 'Agent notes property', kind: 'text', required: false },
    ...columnRoleFields('status', { working: 'In progress' }),
    { key: 'url', label: 'API URL', kind: 'url', required: false, placeholder: NOTION_API_URL },
  ],
  // Notion allows about 3 requests a second per integration on average (bursts above are answered 429).
  syncPolicy: { pollIntervalMs: 20_000, fullReconcileMs: 15 * 60_000, requestsPerMinute: 150 },
  async create(board, deps) {
    const token = await resolveSecret(board.token, deps.secrets);
    const ref = board.webhook?.secret;
    let webhookSecret: string | undefined;
    let keepVerificationToken: ((token: string) => Promise<void>) | undefined;
    if (ref) {
      try {
        webhookSecret = await resolveSecret(ref, deps.secrets);
      } catch (err) {
        if (!(err instanceof MissingSecretError) || !('keychain' in ref)) throw err;
        // Not set yet: Notion's one-time verification request brings it (see webhook.ts).
        keepVerificationToken = (value) => deps.secrets.keychain.set(ref.keychain, value);
      }
    }
    const adapter = new NotionAdapter({
      boardId: board.id,
      database: board.database,
      token,
      ...(board.url ? { url: board.url } : {}),
      ...(board.properties ? { properties: board.properties } : {}),
      ...(webhookSecret !== undefined ? { webhookSecret } : {}),
      ...(keepVerificationToken ? { keepVerificationToken } : {}),
      ...(board.columns ? { columnRoles: board.columns } : {}),
      onNotice: (message) => log.warn(`board ${board.id}: ${message}`),
    });
    return connectOrRetryLater(adapter, board.id, 'Notion', (message) => log.warn(message));
  },
} satisfies BoardModule<'notion', NotionBoardConfig>;
