import { z } from 'zod';
import { boardEntryBase, refusedBecause } from '../../config/blocks';
import type { BoardModule } from '../contract/module';
import { LocalBoardAdapter } from './local-adapter';

const inDatabase = (key: string): ReturnType<typeof refusedBecause> =>
  refusedBecause(`a local board lives in Deckhand's database and takes no ${key}`);

export const localConfigSchema = z
  .object({
    ...boardEntryBase,
    type: z.literal('local'),
    // Keys of remote boards, refused with the reason (a common copy-paste from a Kanboard entry).
    url: inDatabase('url'),
    project: inDatabase('project'),
    username: inDatabase('username'),
    token: inDatabase('token'),
    webhook: inDatabase('webhook'),
    poll: inDatabase('poll'),
  })
  .strict();

export type LocalBoardConfig = z.output<typeof localConfigSchema>;

/** Deckhand's built-in board, in its own SQLite database; changes arrive through the store's feed, never by polling. */
export const localModule = {
  type: 'local',
  label: 'Deckhand local board',
  configSchema: localConfigSchema,
  settingsFields: [],
  // Reads are local queries in this process: there is nothing to protect, so no practical limit.
  syncPolicy: { pollIntervalMs: 15_000, fullReconcileMs: 10 * 60_000, requestsPerMinute: 100_000 },
  create: (config, deps) => Promise.resolve(new LocalBoardAdapter({ store: deps.localStore, boardId: config.id })),
} satisfies BoardModule<'local', LocalBoardConfig>;
