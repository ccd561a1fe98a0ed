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
import { WekanAdapter, WEKAN_BOARD_TYPE } from './adapter';

const log = createLogger('wekan');

export const wekanConfigSchema = z
  .object({
    ...boardEntryBase,
    type: z.literal(WEKAN_BOARD_TYPE),
    url: requiredBecause(httpUrl, "required for a wekan board: the server's address, e.g. https://wekan.example.com"),
    board: requiredBecause(nonEmpty, "required for a wekan board: the board's id (as in its URL) or its title"),
    username: requiredBecause(nonEmpty, 'required for a wekan board: the WeKan user Deckhand logs in as'),
    password: requiredBecause(
      secretRefSchema,
      "required for a wekan board: that user's password, as { keychain: NAME } or { env: VARIABLE }",
    ),
    /** A board custom field of type text for agent notes; without it they are a section of the description. */
    agent_notes_field: nonEmpty.optional(),
    webhook: z
      .object({
        token: secretRefSchema.optional(),
        secret: refusedBecause("WeKan's outgoing webhook sends a plain token: put it in webhook.token"),
      })
      .strict()
      .optional(),
    poll: pollSchema.optional(),
  })
  .strict();

export type WekanBoardConfig = z.output<typeof wekanConfigSchema>;

/** WeKan over its REST API (WITH_API=true); an unreachable server is retried, a wrong board or list is an error. */
export const wekanModule = {
  type: WEKAN_BOARD_TYPE,
  label: 'WeKan',
  configSchema: wekanConfigSchema,
  settingsFields: [
    { key: 'url', label: 'WeKan URL', kind: 'url', required: true, placeholder: 'https://wekan.example.com' },
    { key: 'board', label: 'Board', kind: 'text', required: true, help: 'Its title, or its id as in the URL' },
    { key: 'username', label: 'Username', kind: 'text', required: true, help: 'The WeKan user Deckhand logs in as' },
    { key: 'password', label: 'Password', kind: 'secret', required: true, help: 'Stored in the OS keychain' },
    {
      key: 'agent_notes_field',
      label: 'Agent notes field',
      kind: 'text',
      required: false,
      help: 'A custom field of type text on the board; without one the notes are a section of the description',
    },
    {
      key: 'webhook.token',
      label: 'Webhook token',
      kind: 'secret',
      required: false,
      help: "The token of the board's outgoing webhook (Board menu > Outgoing Webhooks); WeKan sends it as X-Wekan-Token",
    },
    ...columnRoleFields('list', { working: 'Doing', review: 'Review' }),
  ],
  // WeKan throttles nothing but logins; an idle poll is one GET of the board's lists.
  syncPolicy: { pollIntervalMs: 15_000, fullReconcileMs: 30 * 60_000, requestsPerMinute: 1_200 },
  async create(board, deps) {
    const password = await resolveSecret(board.password, deps.secrets);
    const webhookToken = board.webhook?.token ? await resolveSecret(board.webhook.token, deps.secrets) : undefined;
    const adapter = new WekanAdapter({
      boardId: board.id,
      url: board.url,
      board: board.board,
      username: board.username,
      password,
      ...(board.agent_notes_field ? { agentNotesField: board.agent_notes_field } : {}),
      ...(webhookToken !== undefined ? { webhookToken } : {}),
      ...(board.columns ? { columnRoles: board.columns } : {}),
    });
    return connectOrRetryLater(adapter, board.id, 'WeKan', (message) => log.warn(message));
  },
} satisfies BoardModule<'wekan', WekanBoardConfig>;
