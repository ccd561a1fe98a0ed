import type { ColumnRole } from '../../config';
import type { Comment, FieldPatch, Task } from '../../../../shared/task';
import type {
  BoardAdapter,
  BoardCapabilities,
  ChangePage,
  CreateTaskInput,
  WebhookDelivery,
  WebhookHint,
} from '../contract/adapter';
import { checkColumnRoles, checkPatch, patchChanges } from '../contract/canonical';
import { BoardError } from '../contract/errors';
import { watermarkOf } from '../kit/listing/watermark';
import { findByName } from '../kit/names/find-by-name';
import { markdownToBlocks, notesBlock, plainRichText, readBody, type Block } from './blocks';
import { NotionClient, type NotionClientOptions } from './client';
import { dashed, isNotionId, parseDatabaseId } from './ids';
import {
  commentFromNotion,
  commentRichText,
  isTrashed,
  PRIORITY_NAMES,
  taskFromPage,
  textValue,
  type NotionComment,
  type NotionPage,
  type NotionUser,
} from './mapping';
import {
  MARKER_PROPERTY,
  optionsOf,
  resolveProperties,
  type PropertyMap,
  type PropertyNames,
  type SchemaProperty,
} from './properties';
import { verifyNotionWebhook } from './webhook';

export const NOTION_BOARD_TYPE = 'notion';

export interface NotionAdapterOptions extends NotionClientOptions {
  boardId: string;
  /** The database's id or its URL. */
  database: string;
  properties?: PropertyNames;
  webhookSecret?: string;
  /** Keeps the token of Notion's verification request (the keychain entry `webhook.secret` names). */
  keepVerificationToken?: (token: string) => Promise<void>;
  columnRoles?: Partial<Record<ColumnRole, string>>;
  /** Things the person should know that are not errors (a verification token arrived). */
  onNotice?: (message: string) => void;
}

interface ListPage<T> {
  results: T[];
  next_cursor: string | null;
  has_more: boolean;
}

/** Notion rounds last_edited_time down to the minute. */
const MINUTE_MS = 60_000;
/** How long after a minute ends a read of it is trusted to hold every edit of that minute (Notion's own lag). */
const SETTLE_MS = 5_000;
const PAGE_SIZE = 100;

/** A page body read once, kept while the page's last_edited_time says it cannot have changed. */
interface CachedBody {
  lastEdited: string;
  /** Notion's clock when the read started. */
  readAtMs: number;
  description: string;
  agentNotes: string;
  notesBlockId: string | undefined;
  blockIds: string[];
}

/**
 * Notion over its REST API, on the official SDK. A board is one database (its
 * first data source); a task is a page. Columns are the status property's
 * options; labels a multi-select; the assignee the first person of a people
 * property; priority a select (Low, Medium, High, Urgent); the due date a
 * date; the parent a relation (Notion's sub-items: "Parent item"). The title
 * is the title property; the description is the page body as Markdown. Agent
 * notes are a rich-text property when the database has one for them, else a
 * callout block at the end of the body that only Deckhand edits. The create
 * marker is the "Deckhand ID" text property (added to the database when
 * missing), looked up before any retried create, since Notion takes no
 * client-chosen ids.
 */
export class NotionAdapter implements BoardAdapter {
  readonly type = NOTION_BOARD_TYPE;
  readonly boardId: string;
  readonly capabilities: BoardCapabilities = {
    webhooks: true,
    incrementalListing: true,
    nativeAgentNotes: false,
    subtasks: true,
    comments: true,
    listDeleted: true,
  };
  private readonly client: NotionClient;
  private readonly databaseId: string;
  private dataSourceId: string | undefined;
  private databaseTitle = '';
  private props: PropertyMap | undefined;
  private users: NotionUser[] = [];
  private readonly bodies = new Map<string, CachedBody>();
  private webhookSecret: string | undefined;
  /** Notion's clock minus ours, from the Date header of its answers. */
  private clockOffsetMs = 0;

  constructor(private readonly options: NotionAdapterOptions) {
    this.boardId = options.boardId;
    this.databaseId = parseDatabaseId(options.database);
    this.webhookSecret = options.webhookSecret;
    const inner = options.fetch ?? fetch;
    this.client = new NotionClient({
      ...options,
      fetch: async (input, init) => {
        const answer = await inner(input, init);
        const date = Date.parse(answer.headers.get('date') ?? '');
        if (!Number.isNaN(date)) this.clockOffsetMs = date + 500 - Date.now();
        return answer;
      },
    });
  }

  private get where(): string {
    return `the Notion database "${this.databaseTitle || this.databaseId}"`;
  }

  /** Finds the database's data source, resolves the properties, reads the users; a wrong setting is an error now. */
  async connect(): Promise<void> {
    const database = await this.client
      .call('read the database', (sdk) => sdk.databases.retrieve({ database_id: this.databaseId }))
      .catch((err: unknown) => {
        if (err instanceof BoardError && err.kind === 'not_found') {
          throw new BoardError(
            'invalid',
            `Notion has no database ${this.databaseId} that this integration can see: share the database with the integration (••• > Connections) and check the id or URL (${err.message})`,
          );
        }
        throw err;
      });
    const db = database as unknown as {
      title?: { plain_text: string }[];
      data_sources?: { id: string; name: string }[];
    };
    this.databaseTitle = (db.title ?? []).map((t) => t.plain_text).join('');
    const source = db.data_sources?.[0];
    if (!source) throw new BoardError('invalid', `${this.where} has no data source`);
    this.dataSourceId = dashed(source.id);
    await this.loadSchema();
    checkColumnRoles(this.options.columnRoles, this.columns(), this.where, { one: 'status', many: 'statuses' });
    await this.loadUsers();
  }

  private async loadSchema(): Promise<void> {
    const ds = (await this.client.call('read the data source', (sdk) =>
      sdk.dataSources.retrieve({ data_source_id: this.dataSourceId! }),
    )) as unknown as { properties: Record<string, SchemaProperty> };
    let schema = ds.properties;
    if (!schema[MARKER_PROPERTY]) {
      // Notion has no client ids: this property is how a retried create finds the first one.
      const updated = (await this.client.call(`add the "${MARKER_PROPERTY}" property`, (sdk) =>
        sdk.dataSources.update({
          data_source_id: this.dataSourceId!,
          properties: { [MARKER_PROPERTY]: { rich_text: {} } },
        }),
      )) as unknown as { properties: Record<string, SchemaProperty> };
      schema = updated.properties;
    }
    this.props = resolveProperties(schema, this.options.properties ?? {}, this.where, this.dataSourceId!);
    this.capabilities.subtasks = this.props.parent !== undefined;
  }

  private async loadUsers(): Promise<void> {
    const users: NotionUser[] = [];
    let cursor: string | undefined;
    do {
      const page = (await this.client.call('list users', (sdk) =>
        sdk.users.list({ page_size: PAGE_SIZE, ...(cursor ? { start_cursor: cursor } : {}) }),
      )) as unknown as ListPage<NotionUser>;
      users.push(...page.results);
      cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
    } while (cursor);
    this.users = users;
  }

  private async ready(): Promise<PropertyMap> {
    if (!this.props) await this.connect();
    return this.props!;
  }

  private columns(): string[] {
    return optionsOf(this.props!.status).map((o) => o.name);
  }

  private readonly userName = (id: string): string | undefined => {
    const user = this.users.find((u) => dashed(u.id) === dashed(id));
    return user?.name ?? undefined;
  };

  async listColumns(): Promise<string[]> {
    await this.ready();
    return this.columns();
  }

  /** Pages of a data source query; `in_trash` asks for the trash instead. */
  private async query(body: Record<string, unknown>, what: string): Promise<NotionPage[]> {
    const pages: NotionPage[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const page = (await this.client.call(what, (sdk) =>
        sdk.dataSources.query({
          data_source_id: this.dataSourceId!,
          page_size: PAGE_SIZE,
          ...body,
          ...(cursor ? { start_cursor: cursor } : {}),
        }),
      )) as unknown as ListPage<NotionPage>;
      if (!page || !Array.isArray(page.results))
        throw new BoardError('transient', `Notion's answer to ${what} is not a list`);
      pages.push(...page.results.filter((p) => p.object === 'page'));
      if (!page.has_more || !page.next_cursor) return pages;
      if (seen.has(page.next_cursor)) throw new BoardError('invalid', `${what}: Notion sent the same cursor twice`);
      seen.add(page.next_cursor);
      cursor = page.next_cursor;
    }
  }

  /** Every page in the database, outside the trash. */
  async listTasks(): Promise<Task[]> {
    await this.ready();
    const pages = await this.query({}, 'list the pages');
    return this.toTasks(pages.filter((p) => !isTrashed(p)));
  }

  /**
   * Pages edited at or after `since`, and pages moved to the trash since.
   * Notion rounds last_edited_time down to the minute, so the filter starts a
   * minute before the watermark's minute: an edit made in the same minute as
   * the last poll carries the same rounded time and is still listed. Repeats
   * are cheap: a body read after its minute ended is reused (see bodyOf).
   */
  async listChangedSince(since: string | null): Promise<ChangePage> {
    await this.ready();
    if (since === null) {
      const tasks = await this.listTasks();
      return { tasks, watermark: watermarkOf(tasks, null) };
    }
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new BoardError('invalid', `"${since}" is not a date-time watermark`);
    const from = new Date(Math.floor(sinceMs / MINUTE_MS) * MINUTE_MS - MINUTE_MS).toISOString();
    const filter = { timestamp: 'last_edited_time', last_edited_time: { on_or_after: from } };
    const sorts = [{ timestamp: 'last_edited_time', direction: 'ascending' }];
    const live = await this.query({ filter, sorts }, 'list changed pages');
    const trashed = await this.query({ filter, sorts, in_trash: true }, 'list pages moved to the trash');
    const all = [...live, ...trashed];
    const deletedIds = [...new Set(all.filter(isTrashed).map((p) => p.id))];
    const tasks = await this.toTasks(dedupe(all.filter((p) => !isTrashed(p) && !deletedIds.includes(p.id))));
    // The watermark only moves on pages that were listed; trashed pages' times count too (they are seen).
    const mark = watermarkOf(
      [...tasks, ...all.filter(isTrashed).map((p) => ({ updatedAt: p.last_edited_time }))],
      since,
    );
    return { tasks, watermark: mark, deletedIds };
  }

  async getTask(id: string): Promise<Task | null> {
    await this.ready();
    const page = await this.readPage(id);
    return page ? (await this.toTasks([page]))[0]! : null;
  }

  private async readPage(id: string): Promise<NotionPage | null> {
    if (!isNotionId(id)) return null;
    try {
      const page = (await this.client.call('read a page', (sdk) =>
        sdk.pages.retrieve({ page_id: id }),
      )) as unknown as NotionPage;
      if (isTrashed(page) || !this.inThisDatabase(page)) return null;
      return page;
    } catch (err) {
      if (err instanceof BoardError && err.kind === 'not_found') return null;
      throw err;
    }
  }

  private inThisDatabase(page: NotionPage): boolean {
    const parent = page.parent.data_source_id ?? page.parent.database_id;
    return parent !== undefined && [this.dataSourceId, this.databaseId].includes(dashed(parent));
  }

  private async toTasks(pages: NotionPage[]): Promise<Task[]> {
    const props = this.props!;
    if (pages.some((p) => this.unknownOption(p))) await this.loadSchema();
    if (
      pages.some((p) =>
        (props.assignee ? (p.properties[props.assignee.name]?.people ?? []) : []).some((u) => !this.userName(u.id)),
      )
    ) {
      await this.loadUsers();
    }
    const tasks: Task[] = [];
    for (const page of pages) {
      const body = await this.bodyOf(page);
      tasks.push(taskFromPage(page, { props: this.props!, userName: this.userName, body }));
    }
    return tasks;
  }

  /** A page whose status names an option created since the schema was read (columns must be current). */
  private unknownOption(page: NotionPage): boolean {
    const value = page.properties[this.props!.status.name];
    const name = (value?.status ?? value?.select)?.name;
    return name !== undefined && !this.columns().includes(name);
  }

  /**
   * The page body, read again only when it may have changed: the cached read
   * stands while the page's last_edited_time is the same and the read began
   * after that minute was over (an edit later in the same minute would carry
   * the same rounded time, so a read inside the minute proves nothing).
   */
  private async bodyOf(page: NotionPage): Promise<CachedBody> {
    const cached = this.bodies.get(page.id);
    const editedMs = Date.parse(page.last_edited_time);
    if (cached && cached.lastEdited === page.last_edited_time && cached.readAtMs >= editedMs + MINUTE_MS + SETTLE_MS) {
      return cached;
    }
    const readAtMs = Date.now() + this.clockOffsetMs - 1_000;
    const blocks = await this.blocksOf(page.id);
    const body = readBody(blocks);
    const entry: CachedBody = {
      lastEdited: page.last_edited_time,
      readAtMs,
      description: body.description,
      agentNotes: body.agentNotes,
      notesBlockId: body.notesBlock?.id,
      blockIds: blocks.map((b) => b.id!).filter(Boolean),
    };
    this.bodies.set(page.id, entry);
    return entry;
  }

  private async blocksOf(pageId: string): Promise<Block[]> {
    const blocks: Block[] = [];
    let cursor: string | undefined;
    do {
      const page = (await this.client.call('read the page body', (sdk) =>
        sdk.blocks.children.list({
          block_id: pageId,
          page_size: PAGE_SIZE,
          ...(cursor ? { start_cursor: cursor } : {}),
        }),
      )) as unknown as ListPage<Block>;
      blocks.push(...page.results);
      cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
    } while (cursor);
    return blocks;
  }

  /** The "Deckhand ID" property, queried for exactly this marker (and compared exactly here too). */
  async findTaskByMarker(marker: string): Promise<Task | null> {
    const props = await this.ready();
    if (!props.marker) return null;
    const pages = await this.query(
      { filter: { property: props.marker.name, rich_text: { equals: marker } } },
      'find a page by its Deckhand ID',
    );
    const tasks = await this.toTasks(pages.filter((p) => !isTrashed(p)));
    return tasks.find((t) => t.marker === marker) ?? null;
  }

  /**
   * Notion takes no client-chosen id, so the marker goes in the "Deckhand ID"
   * property in the same request that creates the page; after an answer lost
   * in transit the engine's findTaskByMarker finds it before any retry.
   */
  async createTask(input: CreateTaskInput): Promise<Task> {
    const props = await this.ready();
    const fields = checkPatch(input.fields);
    const properties: Record<string, unknown> = {
      ...(await this.propertyValues({ status: this.columns()[0], ...fields })),
      ...(props.marker ? { [props.marker.name]: textValue(input.marker) } : {}),
    };
    const children = [
      ...markdownToBlocks(fields.description ?? ''),
      ...(!props.agentNotes && (fields.agentNotes ?? '') !== '' ? [notesBlock(fields.agentNotes!)] : []),
    ];
    const page = (await this.client.call('create a page', (sdk) =>
      sdk.pages.create({
        parent: { type: 'data_source_id', data_source_id: this.dataSourceId! },
        properties,
        ...(children.length > 0 ? { children: children.slice(0, 100) } : {}),
      } as never),
    )) as unknown as NotionPage;
    if (children.length > 100) await this.append(page.id, children.slice(100));
    return (await this.getTask(page.id)) ?? (await this.toTasks([page]))[0]!;
  }

  async updateTask(id: string, patch: FieldPatch): Promise<Task> {
    const props = await this.ready();
    const fields = checkPatch(patch);
    const page = await this.readPage(id);
    if (!page)
      throw new BoardError('not_found', `Notion page ${id} does not exist in ${this.where} (or is in the trash)`);
    const before = (await this.toTasks([page]))[0]!;
    // A write that changes nothing is not sent: the version (and Notion's last edit) stays.
    if (!patchChanges(before, fields)) return before;
    const changed = Object.fromEntries(
      Object.entries(fields).filter(([k, v]) => JSON.stringify(before[k as keyof Task]) !== JSON.stringify(v)),
    ) as FieldPatch;
    if (changed.parentId) {
      if (!(await this.readPage(changed.parentId))) {
        throw new BoardError('not_found', `parent ${changed.parentId} is not a page of ${this.where}`);
      }
    }
    const properties = await this.propertyValues(changed);
    if (Object.keys(properties).length > 0) {
      await this.client.call('update a page', (sdk) => sdk.pages.update({ page_id: id, properties } as never));
    }
    const body = this.bodies.get(id)!;
    const notesInBody = !props.agentNotes && changed.agentNotes !== undefined;
    if (changed.description !== undefined) {
      await this.rewriteBody(id, body, changed.description, notesInBody ? changed.agentNotes! : body.agentNotes);
    } else if (notesInBody) {
      await this.writeNotesBlock(id, body, changed.agentNotes!);
    }
    this.bodies.delete(id);
    const after = await this.getTask(id);
    if (!after) throw new BoardError('not_found', `Notion page ${id} went to the trash while Deckhand wrote it`);
    return after;
  }

  /** The description changed: the person's blocks are replaced, the notes callout is written after them. */
  private async rewriteBody(id: string, body: CachedBody, description: string, agentNotes: string): Promise<void> {
    for (const blockId of body.blockIds) {
      await this.client
        .call('replace the page body', (sdk) => sdk.blocks.delete({ block_id: blockId }))
        .catch((err: unknown) => {
          if (!(err instanceof BoardError && err.kind === 'not_found')) throw err;
        });
    }
    const children = [
      ...markdownToBlocks(description),
      ...(!this.props!.agentNotes && agentNotes !== '' ? [notesBlock(agentNotes)] : []),
    ];
    if (children.length > 0) await this.append(id, children);
  }

  /** The notes callout is edited in place (one request), or appended at the end when the page has none. */
  private async writeNotesBlock(id: string, body: CachedBody, notes: string): Promise<void> {
    const block = notesBlock(notes);
    if (body.notesBlockId) {
      const blockId = body.notesBlockId;
      await this.client.call('write the agent notes', (sdk) =>
        sdk.blocks.update({ block_id: blockId, callout: block.callout } as never),
      );
    } else {
      await this.append(id, [block]);
    }
  }

  private async append(id: string, children: Block[]): Promise<void> {
    for (let at = 0; at < children.length; at += 100) {
      const chunk = children.slice(at, at + 100);
      await this.client.call('write the page body', (sdk) =>
        sdk.blocks.children.append({ block_id: id, children: chunk } as never),
      );
    }
  }

  /** Notion's property values for the fields that have a property; a field without one is refused by name. */
  private async propertyValues(fields: FieldPatch): Promise<Record<string, unknown>> {
    const props = this.props!;
    const out: Record<string, unknown> = {};
    const need = (prop: SchemaProperty | undefined, field: string, key: string): SchemaProperty => {
      if (!prop) {
        throw new BoardError(
          'invalid',
          `${this.where} has no property for ${field}: add one, or name it in properties.${key}`,
        );
      }
      return prop;
    };
    if (fields.title !== undefined) out[props.title.name] = { title: plainRichText(fields.title) };
    if (fields.status !== undefined) {
      const name = fields.status;
      const option = await findByName(
        () => optionsOf(this.props!.status),
        name,
        () => this.loadSchema(),
        (known) => `${this.where} has no status "${name}"; statuses: ${known}`,
      );
      out[props.status.name] =
        props.status.type === 'status' ? { status: { name: option.name } } : { select: { name: option.name } };
    }
    if (fields.labels !== undefined) {
      const prop = fields.labels.length > 0 ? need(props.labels, 'labels', 'labels') : props.labels;
      // Notion adds a multi-select option it does not know yet.
      if (prop) out[prop.name] = { multi_select: fields.labels.map((name) => ({ name })) };
    }
    if (fields.assignee !== undefined) {
      const prop = fields.assignee !== null ? need(props.assignee, 'the assignee', 'assignee') : props.assignee;
      if (prop)
        out[prop.name] = { people: fields.assignee === null ? [] : [{ id: await this.userId(fields.assignee) }] };
    }
    if (fields.priority !== undefined) {
      const prop = fields.priority > 0 ? need(props.priority, 'priority', 'priority') : props.priority;
      if (prop) {
        const wanted = PRIORITY_NAMES[fields.priority]!;
        const option = optionsOf(prop).find((o) => o.name.toLowerCase() === wanted.toLowerCase());
        out[prop.name] = { select: fields.priority === 0 ? null : { name: option?.name ?? wanted } };
      }
    }
    if (fields.dueDate !== undefined) {
      const prop = fields.dueDate !== null ? need(props.due, 'the due date', 'due') : props.due;
      if (prop) out[prop.name] = { date: fields.dueDate === null ? null : { start: fields.dueDate } };
    }
    if (fields.parentId !== undefined) {
      const prop = fields.parentId !== null ? need(props.parent, 'the parent (sub-items)', 'parent') : props.parent;
      if (prop) out[prop.name] = { relation: fields.parentId === null ? [] : [{ id: fields.parentId }] };
    }
    if (fields.agentNotes !== undefined && props.agentNotes) out[props.agentNotes.name] = textValue(fields.agentNotes);
    return out;
  }

  private async userId(name: string): Promise<string> {
    const find = () => this.users.find((u) => u.type !== 'bot' && (u.name === name || u.person?.email === name));
    let user = find();
    if (!user) {
      await this.loadUsers();
      user = find();
    }
    if (!user) {
      const known = this.users
        .filter((u) => u.type !== 'bot')
        .map((u) => u.name)
        .join(', ');
      throw new BoardError('invalid', `"${name}" is not a member of the Notion workspace; people: ${known}`);
    }
    return user.id;
  }

  async listComments(taskId: string): Promise<Comment[]> {
    await this.ready();
    if (!isNotionId(taskId)) throw new BoardError('not_found', `Notion page ${taskId} does not exist`);
    const rows: NotionComment[] = [];
    let cursor: string | undefined;
    do {
      const page = (await this.client.call('list comments', (sdk) =>
        sdk.comments.list({ block_id: taskId, page_size: PAGE_SIZE, ...(cursor ? { start_cursor: cursor } : {}) }),
      )) as unknown as ListPage<NotionComment>;
      rows.push(...page.results);
      cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
    } while (cursor);
    if (rows.some((r) => !this.userName(r.created_by.id))) await this.loadUsers();
    return rows
      .map((row) => commentFromNotion(row, taskId, this.userName))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** The marker is the comment's last line; a retry looks for it first (Notion comments have no client id). */
  async addComment(taskId: string, body: string, marker: string): Promise<Comment> {
    await this.ready();
    const row = (await this.client.call('add a comment', (sdk) =>
      sdk.comments.create({ parent: { page_id: taskId }, rich_text: commentRichText(body, marker) } as never),
    )) as unknown as NotionComment;
    return commentFromNotion(row, taskId, this.userName);
  }

  async findCommentByMarker(taskId: string, marker: string): Promise<Comment | null> {
    return (await this.listComments(taskId)).find((c) => c.marker === marker) ?? null;
  }

  verifyWebhook(delivery: WebhookDelivery): WebhookHint {
    return verifyNotionWebhook(delivery, {
      secret: this.webhookSecret,
      databaseId: this.databaseId,
      dataSourceId: this.dataSourceId,
      onVerificationToken: (token) => this.keepToken(token),
    });
  }

  webhookConfigured(): boolean {
    return Boolean(this.webhookSecret) || Boolean(this.options.keepVerificationToken);
  }

  /** Notion's one-time verification token: used at once, and kept where `webhook.secret` points. */
  private keepToken(token: string): void {
    this.webhookSecret = token;
    const keep = this.options.keepVerificationToken;
    if (!keep) {
      this.options.onNotice?.(
        'Notion sent its webhook verification token, but webhook.secret names no keychain entry to keep it in; it is used until Deckhand stops. Set webhook: { secret: { keychain: NAME } } and send the verification again from Notion',
      );
      return;
    }
    keep(token).then(
      () =>
        this.options.onNotice?.(
          "Notion's webhook verification token arrived and was stored in the keychain entry webhook.secret names; paste it in Notion's Verify dialog (read it with your OS keychain app)",
        ),
      (err: unknown) =>
        this.options.onNotice?.(
          `could not store Notion's verification token: ${err instanceof Error ? err.message : String(err)}`,
        ),
    );
  }
}

/** One entry per page: the newest read wins when a page is listed twice (it moved during paging). */
function dedupe(pages: NotionPage[]): NotionPage[] {
  const byId = new Map<string, NotionPage>();
  for (const page of pages) {
    const seen = byId.get(page.id);
    if (!seen || Date.parse(page.last_edited_time) >= Date.parse(seen.last_edited_time)) byId.set(page.id, page);
  }
  return [...byId.values()];
}
