import { mkdirSync } from 'node:fs';
import { kanboardConfig, type KanboardBoard } from '../../boards/kanboard';
import { startHarness, type AgentSpec, type Harness, type HarnessOptions } from './harness';

/** Agents on a Kanboard board (the fake JSON-RPC server over real HTTP), shared by the Kanboard agent tests. */

/** A Deckhand core (real SQLite in `dir`, config file) with the agents on the Kanboard board. */
export async function startOnKanboard(
  kb: KanboardBoard,
  dir: string,
  agents: AgentSpec[],
  options: Omit<HarnessOptions, 'dir' | 'agents'> = {},
): Promise<Harness> {
  mkdirSync(dir, { recursive: true });
  return startHarness({
    dir,
    agents,
    ...options,
    keychain: { 'kb-token': kb.board.appToken, ...options.keychain },
    config: { boards: [kanboardConfig(kb)], ...options.config },
  });
}
