import type { ColumnRole } from '../../config';
import type { Comment, FieldPatch, Task } from '../../../../shared/task';
import type { BoardAdapter, BoardCapabilities, BoardHint, ChangePage, CreateTaskInput } from '../contract/adapter';
import { checkColumnRoles, checkPatch, patchChanges } from '../contract/canonical';
import { BoardError } from '../contract/errors';
import { watermarkOf } from '../kit/listing/watermark';
import { findByName } from '../kit/names/find-by-name';
import { renderNotesComment } from '../kit/notes/mirror-comment';
import { FocalboardClient, type FocalboardClientOptions } from './client';
import { FocalboardSocket } from './socket';
import {
  cardProperties,
  commentFromBlock,
  contentOf,
  contentOrderOf,
  dayToMillis,
  derivedId,
  isCard,
  MARKER_FIELD,
  taskFromCard,
  type FocalBlock,
  type FocalBoard,
  type FocalUser,
} from './mapping';
import {
  PARENT_PROPERTY,
  PRIORITY_NAMES,
  resolveProperties,
  type PropertyMap,
  type PropertyNames,
  type PropertyOption,
  type PropertyTemplate,
} from './properties';

export const FOCALBOARD_BOARD_TYPE = 'focalboard';

export interface FocalboardAdapterOptions extends FocalboardClientOptions {
  boardId: string;
  /** The board's id (as in its URL) or its title. */
  board: string;
  properties?: PropertyNames;
  columnRoles?: Partial<Record<ColumnRole, string>>;
  /** First wait before the websocket reconnects (tests make it short). */
  socketRetryMs?: number;
}

/** A new option's id, in the webapp's style (Utils.createGuid(IDType.BlockID)). */
const optionId = (template: PropertyTemplate, name: string): string => derivedId('a', template.id, name);

/**
 * Focalboard (standalone server, REST API v2). A task is a card block; its
 * columns are the options of a select card property (Status), labels the
 * options of a multi-select, the assignee a person property, priority a
 * select (Priority), the due date a date property, the parent a text
 * property "Parent card" Deckhand adds. The description is the card's text
 * blocks; agent notes a text property when the config names one, else a
 * marked text block at the end of the card that only Deckhand edits.
 *
 * Change detection: the API lists no changes since a time, so every poll is
 * one `GET /boards/{id}/blocks?all=true` of the whole board, diffed by the
 * engine through each card's updateAt and the hash of its fields. The
 * websocket (`/ws`) only brings re-reads forward: it replays nothing.
 */
export class FocalboardAdapter implements BoardAdapter {
  readonly type = FOCALBOARD_BOARD_TYPE;
  readonly boardId: string;
  readonly capabilities: BoardCapabilities = {
    webhooks: false,
    incrementalListing: false,
    nativeAgentNotes: false,
    subtasks: true,
    comments: true,
    listDeleted: false,
  };
  private readonly client: FocalboardClient;
  private board: FocalBoard | undefined;
  private props: PropertyMap | undefined;
  private users: FocalUser[] = [];

  constructor(private readonly options: FocalboardAdapterOptions) {
    this.boardId = options.boardId;
    this.client = new FocalboardClient(options);
    this.capabilities.nativeAgentNotes = options.properties?.agent_notes !== undefined;
  }

  private get where(): string {
    return `the Focalboard board "${this.board?.title ?? this.options.board}"`;
  }

  private get id(): string {
    return this.board!.id;
  }

  /** Finds the board by id or title, resolves the card properties, reads the users; a wrong setting is an error now. */
  async connect(): Promise<void> {
    this.board = await this.findBoard();
    await this.ensureParentProperty();
    this.props = resolveProperties(this.board.cardProperties, this.options.properties ?? {}, this.where);
    checkColumnRoles(this.options.columnRoles, this.columns(), this.where, { one: 'status', many: 'statuses' });
    await this.loadUsers();
  }

  private async findBoard(): Promise<FocalBoard> {
    const ref = this.options.board;
    if (/^b[a-z0-9]{26}$/.test(ref)) {
      try {
        return await this.client.get<FocalBoard>(`boards/${ref}`, 'read the board');
      } catch (err) {
        if (!(err instanceof BoardError && err.kind === 'not_found')) throw err;
      }
    }
    // Standalone Focalboard has one team, "0" (model.GlobalTeamID).
    const boards = await this.client.get<FocalBoard[]>('teams/0/boards', 'list the boards');
    const found = boards.find((b) => b.id === ref) ?? boards.find((b) => b.title === ref);
    if (!found) {
      throw new BoardError(
        'invalid',
        `board: Focalboard has no board "${ref}" that this token's user is a member of; boards: ${boards.map((b) => b.title).join(', ') || '(none)'}`,
      );
    }
    return found;
  }

  private async reloadBoard(): Promise<void> {
    this.board = await this.client.get<FocalBoard>(`boards/${this.id}`, 'read the board');
    this.props = resolveProperties(this.board.cardProperties, this.options.properties ?? {}, this.where);
  }

  /** Focalboard has no card relation: a text property holds a subtask's parent card id. */
  private async ensureParentProperty(): Promise<void> {
    if (this.board!.cardProperties.some((p) => p.name === PARENT_PROPERTY)) return;
    const template: PropertyTemplate = {
      id: derivedId('a', this.board!.id, PARENT_PROPERTY),
      name: PARENT_PROPERTY,
      type: 'text',
      options: [],
    };
    this.board = await this.client.patch<FocalBoard>(
      `boards/${this.board!.id}`,
      { updatedCardProperties: [template] },
      `add the "${PARENT_PROPERTY}" card property`,
    );
  }

  private async loadUsers(): Promise<void> {
    this.users = await this.client.get<FocalUser[]>(`teams/${this.board!.teamId || '0'}/users`, 'list the users');
  }

  private async ready(): Promise<PropertyMap> {
    if (!this.props) await this.connect();
    return this.props!;
  }

  private columns(): string[] {
    return (this.props!.status.options ?? []).map((o) => o.value);
  }

  private readonly userName = (id: string): string | undefined => this.users.find((u) => u.id === id)?.username;

  async listColumns(): Promise<string[]> {
    await this.ready();
    return this.columns();
  }

  taskUrl(taskId: string): string | undefined {
    return this.board ? `${this.client.baseUrl}/board/${this.board.id}?c=${taskId}` : undefined;
  }

  /** The whole board in one request: cards, their text blocks and comments. */
  private async allBlocks(): Promise<FocalBlock[]> {
    const blocks = await this.client.get<FocalBlock[]>(`boards/${this.id}/blocks`, 'list the blocks', { all: 'true' });
    if (!Array.isArray(blocks))
      throw new BoardError('transient', "Focalboard's answer to list the blocks is not a list");
    return blocks;
  }

  private async toTasks(cards: FocalBlock[], blocks: readonly FocalBlock[]): Promise<Task[]> {
    if (cards.some((c) => this.unknownValue(c))) await this.reloadBoard();
    if (cards.some((c) => this.unknownUser(c))) await this.loadUsers();
    const byParent = new Map<string, FocalBlock[]>();
    for (const b of blocks) {
      if (b.type !== 'text') continue;
      byParent.set(b.parentId, [...(byParent.get(b.parentId) ?? []), b]);
    }
    return cards.map((card) =>
      taskFromCard(card, byParent.get(card.id) ?? [], { props: this.props!, userName: this.userName }),
    );
  }

  /** A card naming an option created since the board was read (columns and labels must be current). */
  private unknownValue(card: FocalBlock): boolean {
    const values = cardProperties(card);
    const known = (t: PropertyTemplate | undefined, id: unknown) =>
      !t || id === undefined || id === '' || (t.options ?? []).some((o) => o.id === id);
    const labels = this.props!.labels ? values[this.props!.labels.id] : undefined;
    return (
      !known(this.props!.status, values[this.props!.status.id]) ||
      (this.props!.priority !== undefined && !known(this.props!.priority, values[this.props!.priority.id])) ||
      (Array.isArray(labels) && labels.some((id) => !known(this.props!.labels, id)))
    );
  }

  private unknownUser(card: FocalBlock): boolean {
    const person = this.props!.assignee ? cardProperties(card)[this.props!.assignee.id] : undefined;
    return typeof person === 'string' && person !== '' && !this.userName(person);
  }

  /** Every card, with the board read again (a full reconcile also picks up renamed options). */
  async listTasks(): Promise<Task[]> {
    await this.ready();
    await this.reloadBoard();
    const blocks = await this.allBlocks();
    return this.toTasks(blocks.filter(isCard), blocks);
  }

  /**
   * Cards whose updateAt (or their text blocks') is at or after `since`, from
   * a read of the whole board: the API filters by nothing but parent and type.
   */
  async listChangedSince(since: string | null): Promise<ChangePage> {
    await this.ready();
    const blocks = await this.allBlocks();
    const all = await this.toTasks(blocks.filter(isCard), blocks);
    const sinceMs = since === null ? Number.NEGATIVE_INFINITY : Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new BoardError('invalid', `"${since}" is not a date-time watermark`);
    const tasks = all.filter((t) => Date.parse(t.updatedAt) >= sinceMs);
    return { tasks, watermark: watermarkOf(tasks, since) };
  }

  /** One block by id on this board, or null (the server answers 404). */
  private async block(id: string): Promise<FocalBlock | null> {
    if (!/^[a-z0-9]{1,64}$/i.test(id)) return null;
    try {
      const found = await this.client.get<FocalBlock[]>(`boards/${this.id}/blocks`, 'read a card', { block_id: id });
      return found[0] ?? null;
    } catch (err) {
      if (err instanceof BoardError && err.kind === 'not_found') return null;
      throw err;
    }
  }

  private async children(cardId: string): Promise<FocalBlock[]> {
    return this.client.get<FocalBlock[]>(`boards/${this.id}/blocks`, "read a card's content", { parent_id: cardId });
  }

  private async readCard(id: string): Promise<{ card: FocalBlock; children: FocalBlock[] } | null> {
    const card = await this.block(id);
    if (!card || !isCard(card)) return null;
    return { card, children: await this.children(id) };
  }

  async getTask(id: string): Promise<Task | null> {
    await this.ready();
    const read = await this.readCard(id);
    return read ? (await this.toTasks([read.card], read.children))[0]! : null;
  }

  /** The card id is derived from the marker, so the lookup is one read by id; the marker is compared exactly too. */
  async findTaskByMarker(marker: string): Promise<Task | null> {
    await this.ready();
    const task = await this.getTask(derivedId('c', this.id, marker));
    return task && task.marker === marker ? task : null;
  }

  /**
   * The card goes alone in the first request, with an id derived from the
   * marker and the marker in its fields: the server keeps a client id that no
   * other block in the same request refers to (model.GenerateBlockIDs) and
   * upserts by id, so a retried create writes the same card again. Its text
   * blocks follow in a second request, then the values are set as an update.
   */
  async createTask(input: CreateTaskInput): Promise<Task> {
    await this.ready();
    const fields = checkPatch(input.fields);
    const id = derivedId('c', this.id, input.marker);
    const existing = await this.getTask(id);
    if (existing) return existing;
    const now = Date.now();
    const values = await this.propertyValues({ status: this.columns()[0] ?? '', ...fields }, {});
    const card: FocalBlock = {
      id,
      parentId: this.id,
      boardId: this.id,
      createdBy: '',
      modifiedBy: '',
      schema: 1,
      type: 'card',
      title: fields.title ?? input.fields.title,
      fields: { icon: '', isTemplate: false, contentOrder: [], properties: values, [MARKER_FIELD]: input.marker },
      createAt: now,
      updateAt: now,
      deleteAt: 0,
    };
    await this.client.insert(`boards/${this.id}/blocks`, [card], 'create a card');
    const rest: FieldPatch = {};
    if (fields.description) rest.description = fields.description;
    if (fields.agentNotes && !this.props!.agentNotes) rest.agentNotes = fields.agentNotes;
    if (Object.keys(rest).length > 0) await this.writeContent(card, [], rest);
    const created = await this.getTask(id);
    if (!created) throw new BoardError('transient', `Focalboard does not list the card it just created (${id})`);
    return created;
  }

  /**
   * Reads the card just before writing, since a block PATCH replaces the whole
   * `properties` map (BlockPatch.Patch sets updatedFields' keys; the /cards
   * PATCH does the same with only the properties sent): the values not in the
   * patch are sent back as read. PATCH answers `{}`, so the card is read back.
   */
  async updateTask(id: string, rawPatch: FieldPatch): Promise<Task> {
    await this.ready();
    const patch = checkPatch(rawPatch);
    const read = await this.readCard(id);
    if (!read) throw new BoardError('not_found', `Focalboard card ${id} does not exist on ${this.where}`);
    const current = (await this.toTasks([read.card], read.children))[0]!;
    if (!patchChanges(current, patch)) return current;
    if (patch.parentId) {
      if (patch.parentId === id) throw new BoardError('invalid', 'a card cannot be its own parent');
      const parent = await this.block(patch.parentId);
      if (!parent || !isCard(parent)) {
        throw new BoardError('invalid', `parentId: ${this.where} has no card ${patch.parentId}`);
      }
    }
    const before = cardProperties(read.card);
    const values = await this.propertyValues(patch, before);
    const body: { title?: string; updatedFields?: Record<string, unknown> } = {};
    if (patch.title !== undefined && patch.title !== read.card.title) body.title = patch.title;
    if (JSON.stringify(values) !== JSON.stringify(before)) body.updatedFields = { properties: values };
    if (Object.keys(body).length > 0) {
      await this.client.patch(`boards/${this.id}/blocks/${id}`, body, 'update a card');
    }
    const content: FieldPatch = {};
    if (patch.description !== undefined && patch.description !== current.description)
      content.description = patch.description;
    if (patch.agentNotes !== undefined && !this.props!.agentNotes && patch.agentNotes !== current.agentNotes) {
      content.agentNotes = patch.agentNotes;
    }
    if (Object.keys(content).length > 0) await this.writeContent(read.card, read.children, content);
    const after = await this.getTask(id);
    if (!after) throw new BoardError('not_found', `Focalboard card ${id} was deleted while it was written`);
    return after;
  }

  /** The card's property values with the patch applied (cleared values are left out, as the webapp does). */
  private async propertyValues(patch: FieldPatch, before: Record<string, unknown>): Promise<Record<string, unknown>> {
    const out = { ...before };
    const set = (t: PropertyTemplate, value: unknown) => {
      if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) delete out[t.id];
      else out[t.id] = value;
    };
    const need = (t: PropertyTemplate | undefined, field: string, key: string): PropertyTemplate => {
      if (!t) {
        throw new BoardError(
          'invalid',
          `${this.where} has no card property for ${field}: add one, or name it in properties.${key}`,
        );
      }
      return t;
    };
    if (patch.status !== undefined) {
      const name = patch.status;
      const option = await findByName(
        () => (this.props!.status.options ?? []).map((o) => ({ ...o, name: o.value })),
        name,
        () => this.reloadBoard(),
        (known) => `${this.where} has no status "${name}"; statuses: ${known}`,
      );
      set(this.props!.status, option.id);
    }
    if (patch.labels !== undefined) {
      const t = patch.labels.length > 0 ? need(this.props!.labels, 'labels', 'labels') : this.props!.labels;
      if (t)
        set(
          t,
          (await this.ensureOptions('labels', patch.labels)).map((o) => o.id),
        );
    }
    if (patch.priority !== undefined) {
      const t = patch.priority > 0 ? need(this.props!.priority, 'priority', 'priority') : this.props!.priority;
      if (t)
        set(
          t,
          patch.priority === 0
            ? null
            : (await this.ensureOptions('priority', [PRIORITY_NAMES[patch.priority]!]))[0]!.id,
        );
    }
    if (patch.assignee !== undefined) {
      const t = patch.assignee !== null ? need(this.props!.assignee, 'the assignee', 'assignee') : this.props!.assignee;
      if (t) set(t, patch.assignee === null ? null : await this.userId(patch.assignee));
    }
    if (patch.dueDate !== undefined) {
      const t = patch.dueDate !== null ? need(this.props!.due, 'the due date', 'due') : this.props!.due;
      if (t) set(t, patch.dueDate === null ? null : JSON.stringify({ from: dayToMillis(patch.dueDate) }));
    }
    if (patch.parentId !== undefined && this.props!.parent) set(this.props!.parent, patch.parentId);
    if (patch.agentNotes !== undefined && this.props!.agentNotes) set(this.props!.agentNotes, patch.agentNotes);
    return out;
  }

  /**
   * The options for these names; a label or priority the property lacks is
   * added to the board's card property, as the webapp does when a person
   * types a new one (PATCH /boards/{id} with updatedCardProperties).
   */
  private async ensureOptions(field: 'labels' | 'priority', names: string[]): Promise<PropertyOption[]> {
    const find = (t: PropertyTemplate, name: string) =>
      (t.options ?? []).find((o) => o.value === name) ??
      (field === 'priority'
        ? (t.options ?? []).find((o) => new RegExp(`\\b${name}\\b`, 'i').test(o.value))
        : undefined);
    let t = this.props![field]!;
    if (names.some((n) => !find(t, n))) {
      await this.reloadBoard();
      t = this.props![field]!;
      const missing = names.filter((n) => !find(t, n));
      if (missing.length > 0) {
        const updated: PropertyTemplate = {
          ...t,
          options: [
            ...(t.options ?? []),
            ...missing.map((value) => ({ id: optionId(t, value), value, color: 'propColorDefault' })),
          ],
        };
        this.board = await this.client.patch<FocalBoard>(
          `boards/${this.id}`,
          { updatedCardProperties: [updated] },
          `add ${missing.map((m) => `"${m}"`).join(', ')} to the card property "${t.name}"`,
        );
        this.props = resolveProperties(this.board.cardProperties, this.options.properties ?? {}, this.where);
        t = this.props[field]!;
      }
    }
    return names.map((n) => {
      const option = find(t, n);
      if (!option) throw new BoardError('transient', `Focalboard did not keep the option "${n}" of "${t.name}"`);
      return option;
    });
  }

  private async userId(name: string): Promise<string> {
    const find = () => this.users.find((u) => !u.is_bot && u.username === name);
    if (!find()) await this.loadUsers();
    const user = find();
    if (!user) {
      throw new BoardError(
        'invalid',
        `"${name}" is not a user of this Focalboard team; users: ${this.users.map((u) => u.username).join(', ')}`,
      );
    }
    return user.id;
  }

  /**
   * The card's text blocks: the description in the first block (others are
   * folded into it), agent notes in a marked block at the end. New blocks get
   * derived ids and are added to the card's content order.
   */
  private async writeContent(card: FocalBlock, children: FocalBlock[], patch: FieldPatch): Promise<void> {
    const { descriptionBlocks, notesBlock } = contentOf(card, children);
    const inserts: FocalBlock[] = [];
    const removed: string[] = [];
    const textBlock = (id: string, title: string): FocalBlock => {
      const now = Date.now();
      return {
        id,
        parentId: card.id,
        boardId: this.id,
        createdBy: '',
        modifiedBy: '',
        schema: 1,
        type: 'text',
        title,
        fields: {},
        createAt: now,
        updateAt: now,
        deleteAt: 0,
      };
    };
    let order = contentOrderOf(card);
    if (patch.description !== undefined) {
      const [first, ...others] = descriptionBlocks;
      if (patch.description === '') removed.push(...descriptionBlocks.map((b) => b.id));
      else if (first) {
        await this.client.patch(
          `boards/${this.id}/blocks/${first.id}`,
          { title: patch.description },
          'write the description',
        );
        removed.push(...others.map((b) => b.id));
      } else {
        const block = textBlock(derivedId('a', card.id, 'description', String(Date.now())), patch.description);
        inserts.push(block);
        order = [block.id, ...order];
      }
    }
    if (patch.agentNotes !== undefined) {
      const text = renderNotesComment(patch.agentNotes);
      if (notesBlock) {
        await this.client.patch(`boards/${this.id}/blocks/${notesBlock.id}`, { title: text }, 'write the agent notes');
      } else {
        const block = textBlock(derivedId('a', card.id, 'agent-notes'), text);
        inserts.push(block);
        order = [...order, block.id];
      }
    }
    if (inserts.length > 0) await this.client.insert(`boards/${this.id}/blocks`, inserts, 'add text to a card');
    for (const blockId of removed) {
      await this.client.delete(`boards/${this.id}/blocks/${blockId}`, 'remove a text block');
      order = order.filter((b) => b !== blockId);
    }
    if (JSON.stringify(order) !== JSON.stringify(contentOrderOf(card))) {
      await this.client.patch(
        `boards/${this.id}/blocks/${card.id}`,
        { updatedFields: { contentOrder: order } },
        'order the card content',
      );
    }
  }

  /** The websocket's change hints (see socket.ts): a quicker re-read, never the only way a change is seen. */
  watch(onHint: (hint: BoardHint) => void): () => void {
    const socket = new FocalboardSocket({
      url: this.client.baseUrl,
      token: this.options.token,
      teamId: () => this.board?.teamId || '0',
      boardId: () => this.board?.id,
      onHint,
      ...(this.options.socketRetryMs !== undefined ? { retryMs: this.options.socketRetryMs } : {}),
    });
    socket.start();
    return () => socket.stop();
  }

  async listComments(taskId: string): Promise<Comment[]> {
    await this.ready();
    const card = await this.block(taskId);
    if (!card || !isCard(card)) throw new BoardError('not_found', `Focalboard card ${taskId} does not exist`);
    const rows = await this.client.get<FocalBlock[]>(`boards/${this.id}/blocks`, 'list comments', {
      parent_id: taskId,
      type: 'comment',
    });
    if (rows.some((r) => r.createdBy && !this.userName(r.createdBy))) await this.loadUsers();
    return rows
      .filter((r) => r.type === 'comment')
      .map((r) => commentFromBlock(r, this.userName))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** A comment block with an id derived from the marker and the marker in its fields: a resend upserts the same one. */
  async addComment(taskId: string, body: string, marker: string): Promise<Comment> {
    await this.ready();
    const now = Date.now();
    const block: FocalBlock = {
      id: derivedId('a', taskId, 'comment', marker),
      parentId: taskId,
      boardId: this.id,
      createdBy: '',
      modifiedBy: '',
      schema: 1,
      type: 'comment',
      title: body,
      fields: { [MARKER_FIELD]: marker },
      createAt: now,
      updateAt: now,
      deleteAt: 0,
    };
    const card = await this.block(taskId);
    if (!card || !isCard(card)) throw new BoardError('not_found', `Focalboard card ${taskId} does not exist`);
    const [saved] = await this.client.insert<FocalBlock[]>(`boards/${this.id}/blocks`, [block], 'add a comment');
    return commentFromBlock(saved ?? block, this.userName);
  }

  async findCommentByMarker(taskId: string, marker: string): Promise<Comment | null> {
    return (await this.listComments(taskId)).find((c) => c.marker === marker) ?? null;
  }
}
