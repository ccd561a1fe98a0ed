import { KanboardAdapter, type KanboardAdapterOptions } from '../../src/main/core/boards/kanboard';
import { priorityFromCanonical } from '../../src/main/core/boards/kanboard/values';
import type { FieldPatch } from '../../src/shared/task';
import { FakeKanboard, seedStandardBoard, type HumanTaskFields, type StandardBoard } from '../fakes/kanboard';
import type { TaskRow } from '../fakes/kanboard/store';

/** A canonical patch as the edits a person makes in Kanboard's UI (priority on the default 0..3 range). */
export function humanFields(patch: FieldPatch): HumanTaskFields {
  const out: HumanTaskFields = {};
  if (patch.title !== undefined) out.title = patch.title;
  if (patch.description !== undefined) out.description = patch.description;
  if (patch.status !== undefined) out.column = patch.status;
  if (patch.assignee !== undefined) out.assignee = patch.assignee;
  if (patch.priority !== undefined) out.priority = priorityFromCanonical(patch.priority, { start: 0, end: 3 });
  if (patch.labels !== undefined) out.tags = patch.labels;
  if (patch.dueDate !== undefined) out.dueDate = patch.dueDate;
  return out;
}

export interface KanboardSetup {
  fake: FakeKanboard;
  board: StandardBoard;
  adapter: KanboardAdapter;
  /** The board as a config file declares it (the same auth mode), and the secrets it names. */
  configEntry: Record<string, unknown>;
  secrets: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The Kanboard fixture: a fake Kanboard (JSON-RPC over real HTTP) with the
 * standard project, and a connected adapter in the given auth mode.
 */
export async function startKanboard(
  mode: 'app' | 'user' = 'app',
  options: Partial<KanboardAdapterOptions> & { tasks?: number } = {},
): Promise<KanboardSetup> {
  const fake = await FakeKanboard.start();
  const { tasks, ...adapterOptions } = options;
  const board = seedStandardBoard(fake, { ...(tasks !== undefined ? { tasks } : {}) });
  const adapter = new KanboardAdapter({
    boardId: 'kb',
    url: fake.url,
    project: board.projectName,
    ...(mode === 'app' ? { token: board.appToken } : { username: 'deckhand', token: board.botToken }),
    ...adapterOptions,
  });
  await adapter.connect();
  return {
    fake,
    board,
    adapter,
    configEntry: {
      id: 'kb',
      type: 'kanboard',
      url: fake.url,
      project: board.projectName,
      ...(mode === 'user' ? { username: 'deckhand' } : {}),
      token: { env: 'KB_TOKEN' },
    },
    secrets: { KB_TOKEN: mode === 'app' ? board.appToken : board.botToken },
    stop: () => fake.stop(),
  };
}

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
