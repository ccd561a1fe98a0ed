import { mkdirSync } from 'node:fs';
import { FakeKanboard, seedStandardBoard, type StandardBoard } from '../../fakes/kanboard';
import type { TaskRow } from '../../fakes/kanboard/store';
import { startHarness, type AgentSpec, type Harness, type HarnessOptions } from './harness';

/** Agents on a Kanboard board (the fake JSON-RPC server over real HTTP), shared by the Kanboard agent tests. */

export const KB_COLUMNS = ['Backlog', 'Ready', 'Work in progress', 'Ready for Review', 'Blocked — Needs Input', 'Done'];
/** The column roles of KB_COLUMNS, as a board's `columns:` declares them. */
export const KB_COLUMN_ROLES = {
  todo: 'Ready',
  working: 'Work in progress',
  review: 'Ready for Review',
  blocked: 'Blocked — Needs Input',
};

export interface KanboardBoard {
  fake: FakeKanboard;
  board: StandardBoard;
}

/** A fake Kanboard with the standard project (alice, bob, carol and `lead` as members); `cleanup` stops it. */
export async function startKanboardBoard(cleanup: (() => Promise<void>)[]): Promise<KanboardBoard> {
  const fake = await FakeKanboard.start();
  cleanup.push(() => fake.stop());
  const board = seedStandardBoard(fake, { columns: KB_COLUMNS });
  const lead = fake.store.addUser({ username: 'lead' });
  fake.store.addMember(board.projectId, lead.id, 'project-member');
  return { fake, board };
}

/** The `kb` board as a config file declares it. */
export function kanboardConfig({ fake, board }: KanboardBoard): Record<string, unknown> {
  return {
    id: 'kb',
    type: 'kanboard',
    url: fake.url,
    project: board.projectName,
    token: { keychain: 'kb-token' },
    poll: { interval: '2s' },
    columns: KB_COLUMN_ROLES,
  };
}

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

export const kbTask = (fake: FakeKanboard, id: number): TaskRow => fake.store.task(id)!;
export const columnOf = (fake: FakeKanboard, id: number): string =>
  fake.store.projectColumns(kbTask(fake, id).project_id).find((c) => c.id === kbTask(fake, id).column_id)!.title;
export const tagsOf = (fake: FakeKanboard, id: number): string[] => Object.values(fake.store.tagList(id));

/** Tasks linked to the parent by Kanboard's "is a child of" internal link. */
export function childrenOf(fake: FakeKanboard, parentId: number): TaskRow[] {
  const childOf = fake.store.links.find((l) => l.label === 'is a child of')!.id;
  const ids = fake.store.taskLinks
    .filter((l) => l.link_id === childOf && l.opposite_task_id === parentId)
    .map((l) => l.task_id);
  return fake.store.tasks.filter((t) => ids.includes(t.id)).sort((a, b) => a.id - b.id);
}
