import { KanboardAdapter, type KanboardAdapterOptions } from '../../../src/main/core/boards/kanboard';
import { priorityFromCanonical } from '../../../src/main/core/boards/kanboard/values';
import type { FieldPatch } from '../../../src/shared/task';
import { FakeKanboard, seedStandardBoard, type HumanTaskFields, type StandardBoard } from '../../fakes/kanboard';

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
}

/** A fake Kanboard with the standard project, and a connected adapter in the given auth mode. */
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
  return { fake, board, adapter };
}
