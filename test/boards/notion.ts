import { markdownToBlocks, isNotesBlock, type Block } from '../../src/main/core/boards/notion/blocks';
import { NotionAdapter, type NotionAdapterOptions } from '../../src/main/core/boards/notion/adapter';
import { PRIORITY_NAMES } from '../../src/main/core/boards/notion/mapping';
import type { FieldPatch, TaskFields } from '../../src/shared/task';
import { startFakeNotion, type FakeNotion, type FakeNotionOptions, type HumanNotion } from '../fakes/notion';

/**
 * The Notion fixture: a fake Notion on loopback, a connected adapter, and a
 * person editing in Notion's app (the fake's human actions, which fire
 * webhooks as Notion does). Used by the conformance suite and the Notion tests.
 */
export interface NotionFixture {
  fake: FakeNotion;
  adapter: NotionAdapter;
  configEntry: Record<string, unknown>;
  secrets: Record<string, string>;
  /** Notion's default statuses as Deckhand's column roles. */
  columns: { todo: string; working: string; review: string; blocked: string; done: string };
  /** A canonical patch as a person's edits in Notion (properties, and the body above Deckhand's notes). */
  humanEdit(person: HumanNotion, id: string, patch: FieldPatch): void;
  humanCreate(person: HumanNotion, fields: Partial<TaskFields> & { title: string }): string;
  stop(): Promise<void>;
}

/** Blocks as the fake's human actions take them. */
export const asBody = (blocks: Block[]) =>
  blocks.map((b) => ({ type: b.type, content: b[b.type] as Record<string, unknown> }));

export const NOTION_COLUMNS = {
  todo: 'Not started',
  working: 'In progress',
  review: 'In review',
  blocked: 'Blocked',
  done: 'Done',
};

export async function startNotionFixture(
  options: Partial<NotionAdapterOptions> = {},
  fakeOptions: FakeNotionOptions = {},
): Promise<NotionFixture> {
  const fake = await startFakeNotion({ rateLimit: null, ...fakeOptions });
  const adapter = new NotionAdapter({
    boardId: 'no',
    url: fake.url,
    database: fake.store.databaseId,
    token: fake.token,
    ...options,
  });
  await adapter.connect();
  const properties = (patch: FieldPatch): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (patch.title !== undefined) out.Name = { title: [{ text: { content: patch.title } }] };
    if (patch.status !== undefined) out.Status = { status: { name: patch.status } };
    if (patch.assignee !== undefined) {
      out.Assignee = { people: patch.assignee === null ? [] : [{ id: fake.store.userByName(patch.assignee)!.id }] };
    }
    if (patch.priority !== undefined) {
      out.Priority = { select: patch.priority === 0 ? null : { name: PRIORITY_NAMES[patch.priority] } };
    }
    if (patch.labels !== undefined) out.Tags = { multi_select: patch.labels.map((name) => ({ name })) };
    if (patch.dueDate !== undefined) out.Due = { date: patch.dueDate === null ? null : { start: patch.dueDate } };
    if (patch.parentId !== undefined) out['Parent item'] = { relation: patch.parentId ? [{ id: patch.parentId }] : [] };
    return out;
  };
  const keepNotes = (type: string, content: Record<string, unknown>) =>
    isNotesBlock({ type, [type]: content } as Block);
  return {
    fake,
    adapter,
    columns: NOTION_COLUMNS,
    configEntry: {
      id: 'no',
      type: 'notion',
      url: fake.url,
      database: `https://www.notion.so/acme/Tasks-${fake.store.databaseId.replace(/-/g, '')}?v=0123456789abcdef0123456789abcdef`,
      token: { env: 'NOTION_TOKEN' },
      columns: { todo: NOTION_COLUMNS.todo },
    },
    secrets: { NOTION_TOKEN: fake.token },
    humanEdit: (person, id, patch) => {
      const props = properties(patch);
      if (Object.keys(props).length > 0) person.setProperties(id, props);
      if (patch.description !== undefined) person.setBody(id, asBody(markdownToBlocks(patch.description)), keepNotes);
    },
    humanCreate: (person, fields) =>
      person.createPage(
        { ...properties({ status: NOTION_COLUMNS.todo, ...fields }) },
        asBody(markdownToBlocks(fields.description ?? '')),
      ),
    stop: () => fake.close(),
  };
}
