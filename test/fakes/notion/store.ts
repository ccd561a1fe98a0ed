import { randomUUID } from 'node:crypto';

/**
 * The fake Notion's data: one workspace with users, one database with one
 * data source, its pages (properties), their blocks and comments. Shapes are
 * Notion's public objects for API version 2025-09-03 (developers.notion.com:
 * Page, Block, Data source, Database, Comment, User, Rich text; the SDK's
 * `api-endpoints/*.d.ts` types). Times are Notion's: `created_time` and
 * `last_edited_time` rounded down to the minute.
 */

export interface UserRow {
  object: 'user';
  id: string;
  type: 'person' | 'bot';
  name: string;
  avatar_url: null;
  person?: { email: string };
  bot?: Record<string, unknown>;
}

export interface OptionRow {
  id: string;
  name: string;
  color: string;
  description: null;
}

export interface PropertySchema {
  id: string;
  name: string;
  type: string;
  description?: string;
  [config: string]: unknown;
}

export interface RichTextRow {
  type: 'text';
  text: { content: string; link: { url: string } | null };
  annotations: {
    bold: boolean;
    italic: boolean;
    strikethrough: boolean;
    underline: boolean;
    code: boolean;
    color: string;
  };
  plain_text: string;
  href: string | null;
}

export interface PageRow {
  id: string;
  createdMs: number;
  editedMs: number;
  createdBy: string;
  editedBy: string;
  inTrash: boolean;
  /** Property values by property id, in Notion's value shapes without `id`/`type`. */
  values: Record<string, unknown>;
  blocks: BlockRow[];
}

export interface BlockRow {
  id: string;
  type: string;
  content: Record<string, unknown>;
  createdMs: number;
  editedMs: number;
  createdBy: string;
  editedBy: string;
  inTrash: boolean;
}

export interface CommentRow {
  id: string;
  pageId: string;
  discussionId: string;
  createdMs: number;
  createdBy: string;
  richText: RichTextRow[];
}

export const MINUTE_MS = 60_000;
/** Notion's own rounding of page and block times. */
export const minuteIso = (ms: number): string => new Date(Math.floor(ms / MINUTE_MS) * MINUTE_MS).toISOString();

/** Notion's default Status options (To-do, In progress, Complete groups), plus a review and a blocked state a team adds. */
export const DEFAULT_STATUSES: { name: string; group: 'To-do' | 'In progress' | 'Complete'; color: string }[] = [
  { name: 'Not started', group: 'To-do', color: 'default' },
  { name: 'In progress', group: 'In progress', color: 'blue' },
  { name: 'In review', group: 'In progress', color: 'purple' },
  { name: 'Blocked', group: 'In progress', color: 'red' },
  { name: 'Done', group: 'Complete', color: 'green' },
];

const option = (name: string, color = 'default'): OptionRow => ({
  id: randomUUID().slice(0, 8),
  name,
  color,
  description: null,
});

export function richText(
  content: string,
  annotations: Partial<RichTextRow['annotations']> = {},
  link?: string,
): RichTextRow {
  return {
    type: 'text',
    text: { content, link: link ? { url: link } : null },
    annotations: {
      bold: false,
      italic: false,
      strikethrough: false,
      underline: false,
      code: false,
      color: 'default',
      ...annotations,
    },
    plain_text: content,
    href: link ?? null,
  };
}

export interface StoreOptions {
  now: () => number;
  /** Replace the default schema (tests of property mapping). */
  schema?: PropertySchema[];
}

export class NotionStore {
  readonly users: UserRow[] = [];
  readonly bot: UserRow;
  readonly databaseId = randomUUID();
  readonly dataSourceId = randomUUID();
  readonly workspaceId = randomUUID();
  databaseTitle = 'Tasks';
  /** The data source's properties by name, in the order Notion lists them. */
  readonly schema = new Map<string, PropertySchema>();
  readonly pages = new Map<string, PageRow>();
  readonly comments: CommentRow[] = [];
  private readonly blockOwner = new Map<string, string>();

  constructor(private readonly opts: StoreOptions) {
    this.bot = this.addUser({ type: 'bot', name: 'Deckhand' });
    for (const name of ['alice', 'bob', 'carol']) this.addUser({ type: 'person', name, email: `${name}@example.com` });
    for (const prop of opts.schema ?? this.defaultSchema()) this.schema.set(prop.name, prop);
  }

  now(): number {
    return this.opts.now();
  }

  private defaultSchema(): PropertySchema[] {
    const statuses = DEFAULT_STATUSES.map((s) => option(s.name, s.color));
    const group = (name: string) => ({
      id: randomUUID(),
      name,
      color: 'gray',
      option_ids: statuses.filter((_, i) => DEFAULT_STATUSES[i]!.group === name).map((o) => o.id),
    });
    const parentId = randomUUID().slice(0, 4);
    const childId = randomUUID().slice(0, 4);
    return [
      { id: 'title', name: 'Name', type: 'title', title: {} },
      {
        id: randomUUID().slice(0, 4),
        name: 'Status',
        type: 'status',
        status: { options: statuses, groups: ['To-do', 'In progress', 'Complete'].map(group) },
      },
      {
        id: randomUUID().slice(0, 4),
        name: 'Tags',
        type: 'multi_select',
        multi_select: { options: [option('bug', 'red'), option('feature', 'green')] },
      },
      { id: randomUUID().slice(0, 4), name: 'Assignee', type: 'people', people: {} },
      {
        id: randomUUID().slice(0, 4),
        name: 'Priority',
        type: 'select',
        select: { options: ['Low', 'Medium', 'High', 'Urgent'].map((n) => option(n)) },
      },
      { id: randomUUID().slice(0, 4), name: 'Due', type: 'date', date: {} },
      {
        id: parentId,
        name: 'Parent item',
        type: 'relation',
        relation: {
          data_source_id: this.dataSourceId,
          database_id: this.databaseId,
          type: 'dual_property',
          dual_property: { synced_property_name: 'Sub-item', synced_property_id: childId },
        },
      },
      {
        id: childId,
        name: 'Sub-item',
        type: 'relation',
        relation: {
          data_source_id: this.dataSourceId,
          database_id: this.databaseId,
          type: 'dual_property',
          dual_property: { synced_property_name: 'Parent item', synced_property_id: parentId },
        },
      },
    ];
  }

  addUser(input: { type: 'person' | 'bot'; name: string; email?: string }): UserRow {
    const user: UserRow = {
      object: 'user',
      id: randomUUID(),
      type: input.type,
      name: input.name,
      avatar_url: null,
      ...(input.type === 'person' ? { person: { email: input.email ?? `${input.name}@example.com` } } : { bot: {} }),
    };
    this.users.push(user);
    return user;
  }

  userByName(name: string): UserRow | undefined {
    return this.users.find((u) => u.name === name);
  }

  user(id: string): UserRow | undefined {
    return this.users.find((u) => u.id === id);
  }

  property(name: string): PropertySchema | undefined {
    return this.schema.get(name);
  }

  propertyById(id: string): PropertySchema | undefined {
    return [...this.schema.values()].find((p) => p.id === id);
  }

  addProperty(name: string, type: string, config: Record<string, unknown> = {}): PropertySchema {
    const prop: PropertySchema = { id: randomUUID().slice(0, 4), name, type, [type]: config };
    this.schema.set(name, prop);
    return prop;
  }

  /** Options of a select-like property; a select or multi-select gains a new name on write, as in Notion. */
  options(prop: PropertySchema): OptionRow[] {
    return ((prop[prop.type] as { options?: OptionRow[] }).options ??= []);
  }

  page(id: string): PageRow | undefined {
    return this.pages.get(id);
  }

  createPage(
    values: Record<string, unknown>,
    blocks: { type: string; content: Record<string, unknown> }[],
    by: string,
  ): PageRow {
    const now = this.now();
    const page: PageRow = {
      id: randomUUID(),
      createdMs: now,
      editedMs: now,
      createdBy: by,
      editedBy: by,
      inTrash: false,
      values,
      blocks: [],
    };
    this.pages.set(page.id, page);
    this.appendBlocks(page, blocks, by);
    return page;
  }

  touch(page: PageRow, by: string): void {
    page.editedMs = Math.max(page.editedMs, this.now());
    page.editedBy = by;
  }

  appendBlocks(
    page: PageRow,
    blocks: { type: string; content: Record<string, unknown> }[],
    by: string,
    after?: string,
  ): BlockRow[] {
    const now = this.now();
    const rows = blocks.map((b) => {
      const row: BlockRow = {
        id: randomUUID(),
        type: b.type,
        content: b.content,
        createdMs: now,
        editedMs: now,
        createdBy: by,
        editedBy: by,
        inTrash: false,
      };
      this.blockOwner.set(row.id, page.id);
      return row;
    });
    const at = after ? page.blocks.findIndex((b) => b.id === after) + 1 : page.blocks.length;
    page.blocks.splice(at > 0 ? at : page.blocks.length, 0, ...rows);
    this.touch(page, by);
    return rows;
  }

  blockPage(blockId: string): PageRow | undefined {
    const pageId = this.blockOwner.get(blockId);
    return pageId ? this.pages.get(pageId) : undefined;
  }

  block(blockId: string): BlockRow | undefined {
    return this.blockPage(blockId)?.blocks.find((b) => b.id === blockId);
  }

  liveBlocks(page: PageRow): BlockRow[] {
    return page.blocks.filter((b) => !b.inTrash);
  }

  addComment(pageId: string, text: RichTextRow[], by: string): CommentRow {
    const row: CommentRow = {
      id: randomUUID(),
      pageId,
      discussionId: randomUUID(),
      createdMs: this.now(),
      createdBy: by,
      richText: text,
    };
    this.comments.push(row);
    return row;
  }

  // ---- rendering, as the API answers ----

  renderUser(user: UserRow): Record<string, unknown> {
    return { ...user };
  }

  renderPartialUser(id: string): { object: 'user'; id: string } {
    return { object: 'user', id };
  }

  renderValue(prop: PropertySchema, page: PageRow): Record<string, unknown> {
    const raw = page.values[prop.id];
    const base = { id: prop.id, type: prop.type };
    switch (prop.type) {
      case 'title':
      case 'rich_text':
        return { ...base, [prop.type]: (raw as RichTextRow[] | undefined) ?? [] };
      case 'status':
      case 'select':
        return { ...base, [prop.type]: (raw as OptionRow | undefined) ?? null };
      case 'multi_select':
        return { ...base, multi_select: (raw as OptionRow[] | undefined) ?? [] };
      case 'people':
        return { ...base, people: ((raw as string[] | undefined) ?? []).map((id) => this.renderUser(this.user(id)!)) };
      case 'date':
        return { ...base, date: (raw as Record<string, unknown> | undefined) ?? null };
      case 'relation': {
        const ids = this.relationIds(prop, page);
        return { ...base, relation: ids.map((id) => ({ id })), has_more: false };
      }
      default:
        return { ...base, [prop.type]: raw ?? null };
    }
  }

  /** A dual relation is stored on one side ("Parent item"); the other side ("Sub-item") is derived, as Notion syncs it. */
  relationIds(prop: PropertySchema, page: PageRow): string[] {
    const dual = (prop.relation as { dual_property?: { synced_property_id: string } }).dual_property;
    const stored = page.values[prop.id] as string[] | undefined;
    if (stored !== undefined || !dual) return stored ?? [];
    const other = this.propertyById(dual.synced_property_id);
    if (!other) return [];
    return [...this.pages.values()]
      .filter((p) => !p.inTrash && ((p.values[other.id] as string[] | undefined) ?? []).includes(page.id))
      .map((p) => p.id);
  }

  renderPage(page: PageRow): Record<string, unknown> {
    const properties: Record<string, unknown> = {};
    for (const prop of this.schema.values()) properties[prop.name] = this.renderValue(prop, page);
    return {
      object: 'page',
      id: page.id,
      created_time: minuteIso(page.createdMs),
      last_edited_time: minuteIso(page.editedMs),
      created_by: this.renderPartialUser(page.createdBy),
      last_edited_by: this.renderPartialUser(page.editedBy),
      cover: null,
      icon: null,
      parent: { type: 'data_source_id', data_source_id: this.dataSourceId, database_id: this.databaseId },
      in_trash: page.inTrash,
      archived: page.inTrash,
      is_locked: false,
      properties,
      url: `https://www.notion.so/${page.id.replace(/-/g, '')}`,
      public_url: null,
    };
  }

  renderBlock(block: BlockRow, page: PageRow): Record<string, unknown> {
    return {
      object: 'block',
      id: block.id,
      parent: { type: 'page_id', page_id: page.id },
      created_time: minuteIso(block.createdMs),
      last_edited_time: minuteIso(block.editedMs),
      created_by: this.renderPartialUser(block.createdBy),
      last_edited_by: this.renderPartialUser(block.editedBy),
      has_children: false,
      in_trash: block.inTrash,
      archived: block.inTrash,
      type: block.type,
      [block.type]: block.content,
    };
  }

  renderComment(row: CommentRow): Record<string, unknown> {
    return {
      object: 'comment',
      id: row.id,
      parent: { type: 'page_id', page_id: row.pageId },
      discussion_id: row.discussionId,
      created_time: new Date(row.createdMs).toISOString(),
      last_edited_time: new Date(row.createdMs).toISOString(),
      created_by: this.renderPartialUser(row.createdBy),
      rich_text: row.richText,
      display_name: { type: 'integration', resolved_name: this.user(row.createdBy)?.name ?? '' },
    };
  }

  renderDataSource(): Record<string, unknown> {
    const properties: Record<string, unknown> = {};
    for (const prop of this.schema.values()) properties[prop.name] = prop;
    return {
      object: 'data_source',
      id: this.dataSourceId,
      created_time: minuteIso(0),
      last_edited_time: minuteIso(this.now()),
      properties,
      parent: { type: 'database_id', database_id: this.databaseId },
      database_parent: { type: 'workspace', workspace: true },
      title: [richText(this.databaseTitle)],
      description: [],
      is_inline: false,
      in_trash: false,
      archived: false,
      url: `https://www.notion.so/${this.databaseId.replace(/-/g, '')}`,
      public_url: null,
    };
  }

  renderDatabase(): Record<string, unknown> {
    return {
      object: 'database',
      id: this.databaseId,
      title: [richText(this.databaseTitle)],
      description: [],
      parent: { type: 'workspace', workspace: true },
      is_inline: false,
      in_trash: false,
      archived: false,
      is_locked: false,
      created_time: minuteIso(0),
      last_edited_time: minuteIso(this.now()),
      data_sources: [{ id: this.dataSourceId, name: this.databaseTitle }],
      icon: null,
      cover: null,
      url: `https://www.notion.so/${this.databaseId.replace(/-/g, '')}`,
      public_url: null,
    };
  }
}
