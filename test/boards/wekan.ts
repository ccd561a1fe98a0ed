import { WekanAdapter, type WekanAdapterOptions } from '../../src/main/core/boards/wekan/adapter';
import { joinDescription, splitDescription } from '../../src/main/core/boards/wekan/mapping';
import type { FieldPatch, TaskFields } from '../../src/shared/task';
import {
  startFakeWekan,
  type FakeWekan,
  type FakeWekanOptions,
  type HumanActions,
  type HumanCardFields,
} from '../fakes/wekan';

/** The people on the fake board besides admin (Deckhand's own account, as a solo developer connects it). */
export const WEKAN_PEOPLE = ['alice', 'bob', 'carol'] as const;
export const WEKAN_PASSWORD = 'wekan-test-password';

/**
 * The WeKan fixture: a fake WeKan on loopback, a connected adapter logged in
 * as admin, and a person editing in WeKan's web UI (the fake's human actions,
 * which fire the outgoing webhook as the UI does).
 */
export interface WekanFixture {
  fake: FakeWekan;
  adapter: WekanAdapter;
  configEntry: Record<string, unknown>;
  secrets: Record<string, string>;
  /** A person's edit in the web UI, as a canonical patch; the description editor shows the notes section too. */
  humanEdit(person: HumanActions, cardId: string, patch: FieldPatch): void;
  humanCreate(person: HumanActions, fields: Partial<TaskFields> & { title: string }): string;
  stop(): Promise<void>;
}

export async function startWekanFixture(
  options: Partial<WekanAdapterOptions> = {},
  fakeOptions: FakeWekanOptions = {},
): Promise<WekanFixture> {
  const fake = await startFakeWekan(fakeOptions);
  fake.admin.password = WEKAN_PASSWORD;
  for (const name of WEKAN_PEOPLE) fake.addMember(name, WEKAN_PASSWORD);
  const adapter = new WekanAdapter({
    boardId: 'wk',
    url: fake.url,
    board: fake.board.title,
    username: 'admin',
    password: WEKAN_PASSWORD,
    ...options,
  });
  await adapter.connect();
  const humanFields = (patch: FieldPatch, current?: string): HumanCardFields => {
    const out: HumanCardFields = {};
    if (patch.title !== undefined) out.title = patch.title;
    if (patch.description !== undefined) {
      // The person rewrites the text; what Deckhand keeps below it stays as the editor shows it.
      const parts = splitDescription(current);
      out.description = joinDescription({ ...parts, description: patch.description }, true);
    }
    if (patch.status !== undefined) out.list = patch.status;
    if (patch.labels !== undefined) out.labels = patch.labels;
    if (patch.assignee !== undefined) out.assignees = patch.assignee === null ? [] : [patch.assignee];
    if (patch.parentId !== undefined) out.parentId = patch.parentId;
    if (patch.dueDate !== undefined) out.dueAt = patch.dueDate === null ? null : `${patch.dueDate}T00:00:00.000Z`;
    if (patch.priority !== undefined && patch.priority !== 0) throw new Error('WeKan cards have no priority');
    return out;
  };
  return {
    fake,
    adapter,
    configEntry: {
      id: 'wk',
      type: 'wekan',
      url: fake.url,
      board: fake.board.title,
      username: 'admin',
      password: { env: 'WEKAN_PASSWORD' },
    },
    secrets: { WEKAN_PASSWORD },
    humanEdit: (person, cardId, patch) => person.edit(cardId, humanFields(patch, fake.store.card(cardId)?.description)),
    humanCreate: (person, fields) => person.createCard({ ...humanFields(fields), title: fields.title })._id,
    stop: () => fake.close(),
  };
}
