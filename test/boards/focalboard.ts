import { FocalboardAdapter, type FocalboardAdapterOptions } from '../../src/main/core/boards/focalboard/adapter';
import { PRIORITY_NAMES } from '../../src/main/core/boards/focalboard/properties';
import type { FieldPatch, TaskFields } from '../../src/shared/task';
import {
  DEFAULT_STATUSES,
  startFakeFocalboard,
  type FakeFocalboard,
  type FakeFocalboardOptions,
  type HumanCardValues,
  type HumanFocalboard,
} from '../fakes/focalboard';

/** The people on the fake board besides admin (Deckhand's own account, as a solo developer connects it). */
export const FOCALBOARD_PEOPLE = ['alice', 'bob', 'carol'] as const;

/** The column roles of a board whose Status options are (todo, working, review, blocked, done), in that order. */
const columnsOf = (statuses: readonly string[]) => ({
  todo: statuses[0]!,
  working: statuses[1]!,
  review: statuses[2]!,
  blocked: statuses[3]!,
  done: statuses[4]!,
});

export const FOCALBOARD_COLUMNS = columnsOf(DEFAULT_STATUSES);

/**
 * The Focalboard fixture: a fake Focalboard on loopback, a connected adapter
 * with the owner's session token, and a person editing in the web app.
 */
export interface FocalboardFixture {
  fake: FakeFocalboard;
  adapter: FocalboardAdapter;
  configEntry: Record<string, unknown>;
  secrets: Record<string, string>;
  columns: typeof FOCALBOARD_COLUMNS;
  humanEdit(person: HumanFocalboard, cardId: string, patch: FieldPatch): void;
  humanCreate(person: HumanFocalboard, fields: Partial<TaskFields> & { title: string }): string;
  stop(): Promise<void>;
}

/** A canonical patch as the values a person picks in the web app. */
function humanValues(patch: FieldPatch): HumanCardValues {
  const properties: NonNullable<HumanCardValues['properties']> = {};
  if (patch.status !== undefined) properties.Status = patch.status;
  if (patch.labels !== undefined) properties.Tags = patch.labels;
  if (patch.assignee !== undefined) properties.Assignee = patch.assignee;
  if (patch.dueDate !== undefined) properties['Due date'] = patch.dueDate;
  if (patch.parentId !== undefined) properties['Parent card'] = patch.parentId;
  if (patch.priority !== undefined) {
    // The board's own options first ("1. High 🔥"), else the one Deckhand added.
    properties.Priority = patch.priority === 0 ? null : PRIORITY_NAMES[patch.priority]!;
  }
  return {
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
    ...(patch.description !== undefined ? { text: patch.description } : {}),
  };
}

export async function startFocalboardFixture(
  options: Partial<FocalboardAdapterOptions> = {},
  fakeOptions: FakeFocalboardOptions = {},
): Promise<FocalboardFixture> {
  const fake = await startFakeFocalboard(fakeOptions);
  const columns = columnsOf(fakeOptions.statuses ?? DEFAULT_STATUSES);
  for (const name of FOCALBOARD_PEOPLE) fake.addMember(name);
  const adapter = new FocalboardAdapter({
    boardId: 'fb',
    url: fake.url,
    board: fake.board.title,
    token: fake.token,
    ...options,
  });
  await adapter.connect();
  /** A person picks the board's own priority option ("1. High 🔥"), or the one Deckhand added ("Urgent"). */
  const values = (patch: FieldPatch): HumanCardValues => {
    const out = humanValues(patch);
    const wanted = out.properties?.Priority;
    if (typeof wanted === 'string') {
      const options = fake.store.template(fake.board, 'Priority').options;
      out.properties!.Priority = options.find((o) => new RegExp(`\\b${wanted}\\b`, 'i').test(o.value))?.value ?? wanted;
    }
    return out;
  };
  return {
    fake,
    adapter,
    columns,
    configEntry: {
      id: 'fb',
      type: 'focalboard',
      url: fake.url,
      board: fake.board.title,
      token: { env: 'FOCALBOARD_TOKEN' },
      columns,
    },
    secrets: { FOCALBOARD_TOKEN: fake.token },
    humanEdit: (person, cardId, patch) => person.edit(cardId, values(patch)),
    humanCreate: (person, fields) =>
      person.createCard({ ...values({ status: columns.todo, ...fields }), title: fields.title }),
    stop: () => fake.close(),
  };
}
