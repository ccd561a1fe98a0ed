import { z } from 'zod';
import { boardEntryBase, httpUrl, nonEmpty, pollSchema, requiredBecause, secretRefSchema } from '../../config/blocks';
import { createLogger } from '../../logger';
import { resolveSecret } from '../../secrets/resolve';
import { columnRoleFields, connectOrRetryLater, type BoardModule } from '../contract/module';
import { FocalboardAdapter, FOCALBOARD_BOARD_TYPE } from './adapter';

const log = createLogger('focalboard');

export const focalboardConfigSchema = z
  .object({
    ...boardEntryBase,
    type: z.literal(FOCALBOARD_BOARD_TYPE),
    url: requiredBecause(httpUrl, "required for a focalboard board: the server's address, e.g. http://localhost:8000"),
    board: requiredBecause(nonEmpty, "required for a focalboard board: the board's id (as in its URL) or its title"),
    token: requiredBecause(
      secretRefSchema,
      'required for a focalboard board: a session token of the user Deckhand acts as, as { keychain: NAME } or { env: VARIABLE }',
    ),
    /** The board's card property names for the canonical fields; each has a default found by type (see docs). */
    properties: z
      .object({
        status: nonEmpty.optional(),
        labels: nonEmpty.optional(),
        assignee: nonEmpty.optional(),
        priority: nonEmpty.optional(),
        due: nonEmpty.optional(),
        agent_notes: nonEmpty.optional(),
      })
      .strict()
      .optional(),
    poll: pollSchema.optional(),
  })
  .strict();

export type FocalboardBoardConfig = z.output<typeof focalboardConfigSchema>;

/** Focalboard's standalone server over its REST API v2; a wrong board or property is an error when added. */
export const focalboardModule = {
  type: FOCALBOARD_BOARD_TYPE,
  label: 'Focalboard',
  configSchema: focalboardConfigSchema,
  settingsFields: [
    { key: 'url', label: 'Focalboard URL', kind: 'url', required: true, placeholder: 'http://localhost:8000' },
    { key: 'board', label: 'Board', kind: 'text', required: true, help: 'Its title, or its id as in the URL (b…)' },
    {
      key: 'token',
      label: 'Session token',
      kind: 'secret',
      required: true,
      help: 'Stored in the OS keychain; see docs/boards/focalboard.md for where to find it',
    },
    { key: 'properties.status', label: 'Status property', kind: 'text', required: false, placeholder: 'Status' },
    { key: 'properties.labels', label: 'Labels property', kind: 'text', required: false, placeholder: 'Tags' },
    { key: 'properties.assignee', label: 'Assignee property', kind: 'text', required: false },
    {
      key: 'properties.agent_notes',
      label: 'Agent notes property',
      kind: 'text',
      required: false,
      help: 'A text card property; without one the notes are a marked text block in the card',
    },
    ...columnRoleFields('status', { working: 'In Progress' }),
  ],
  // Focalboard throttles nothing; every poll reads the whole board, so not too often.
  syncPolicy: { pollIntervalMs: 20_000, fullReconcileMs: 30 * 60_000, requestsPerMinute: 300 },
  async create(board, deps) {
    const token = await resolveSecret(board.token, deps.secrets);
    const adapter = new FocalboardAdapter({
      boardId: board.id,
      url: board.url,
      board: board.board,
      token,
      ...(board.properties ? { properties: board.properties } : {}),
      ...(board.columns ? { columnRoles: board.columns } : {}),
    });
    return connectOrRetryLater(adapter, board.id, 'Focalboard', (message) => log.warn(message));
  },
} satisfies BoardModule<'focalboard', FocalboardBoardConfig>;
