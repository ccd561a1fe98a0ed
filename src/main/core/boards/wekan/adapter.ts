import type { ColumnRole } from '../../config';
import { createLogger } from '../../logger';
import type { Comment, FieldPatch, Task, TaskField } from '../../../../shared/task';
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
import { WekanClient, type WekanClientOptions } from './client';
import {
  cardTime,
  commentFrom,
  commentText,
  joinDescription,
  splitDescription,
  taskFromCard,
  type Directory,
  type WekanBoard,
  type WekanCard,
  type WekanLabel,
  type WekanList,
} from './mapping';
import { verifyWekanWebhook } from './webhook';

export const WEKAN_BOARD_TYPE = 'wekan';
const log = createLogger('wekan');

export interface WekanAdapterOptions extends WekanClientOptions {
  boardId: string;
  /** The WeKan board's id or its title. */
  board: string;
  /** The plain token of the board's outgoing webhook (sent as X-Wekan-Token). */
  webhookToken?: string;
  /** The name of a board custom field (type text) that holds agent notes; otherwise a section of the description. */
  agentNotesField?: string;
  columnRoles?: Partial<Record<ColumnRole, string>>;
  /** Full card reads in flight at once. */
  readConcurrency?: number;
}

/** A compact card from `GET /api/boards/:b/lists/:l/cards` (no labels, no dates of change). */
interface CompactCard {
  _id: string;
  description?: string;
}

/** What one list held when it was last read in full, keyed by its `cardsModifiedAt` then. */
interface ListSnapshot {
  cardsModifiedAt: string | null;
  cards: Map<string, WekanCard>;
}

/** A label colour WeKan accepts (models/boards.js LABEL_COLORS) for labels Deckhand creates. */
const NEW_LABEL_COLOR = 'green';

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

async function inPool<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < items.length) {
      const at = next++;
      out[at] = await work(items[at]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, run));
  return out;
}

/**
 * WeKan over its REST API. Lists are the columns, labels are found by name
 * (and made on demand, which needs a board admin), the first assignee is the
 * assignee, subtasks are cards with WeKan's own `parentId`, comments are card
 * comments. WeKan has no changed-since query: an idle poll reads the board's
 * lists, whose `cardsModifiedAt` says which lists have a card changed since
 * the watermark; only those lists are read again. A full listing is the
 * board's JSON export (one request), or list by list where export is off.
 *
 * Every write is verified: WeKan answers 200 to a card PUT whose selector
 * matched nothing (the URL's list is not the card's list any more, the card
 * was archived meanwhile) or whose values it dropped (an assignee who is not
 * an active member). After each write the card is read back and compared;
 * a write that did not take is a transient error carrying WeKan's answer, so
 * the engine retries it on a fresh read, and it is never reported as done.
 */
export class WekanAdapter implements BoardAdapter {
  readonly type = WEKAN_BOARD_TYPE;
  readonly boardId: string;
  readonly capabilities: BoardCapabilities;
  private readonly client: WekanClient;
  private board: WekanBoard | undefined;
  private lists: WekanList[] = [];
  private swimlaneId: string | undefined;
  private notesFieldId: string | undefined;
  private readonly usernames = new Map<string, string>();
  private readonly snapshots = new Map<string, ListSnapshot>();
  /** Comment creation times: the comment list carries none, and each costs a read. */
  private readonly commentTimes = new Map<string, string>();
  private exportWorks = true;

  constructor(private readonly options: WekanAdapterOptions) {
    this.boardId = options.boardId;
    this.client = new WekanClient(options);
    this.capabilities = {
      webhooks: true,
      incrementalListing: false,
      nativeAgentNotes: options.agentNotesField !== undefined,
      subtasks: true,
      comments: true,
      listDeleted: false,
    };
  }

  private get wekanId(): string {
    return this.board!._id;
  }

  /** Logs in, finds the board, its lists, swimlane, members and the notes field; a wrong name is an error now. */
  async connect(): Promise<void> {
    await this.loadBoard();
    checkColumnRoles(
      this.options.columnRoles,
      this.lists.map((l) => l.title),
      `WeKan board "${this.board!.title}"`,
      { one: 'list', many: 'lists' },
    );
    const swimlanes = await this.client.get<{ _id: string; title: string }[]>(
      `api/boards/${this.wekanId}/swimlanes`,
      'list swimlanes',
    );
    if (!Array.isArray(swimlanes) || swimlanes.length === 0) {
      throw new BoardError('invalid', `WeKan board "${this.board!.title}" has no swimlane to put new cards in`);
    }
    this.swimlaneId = swimlanes[0]!._id;
    if (this.options.agentNotesField !== undefined) {
      const fields = await this.client.get<{ _id: string; name: string; type: string }[]>(
        `api/boards/${this.wekanId}/custom-fields`,
        'list custom fields',
      );
      const wanted = this.options.agentNotesField;
      const field = fields.find((f) => f.name === wanted);
      if (!field) {
        const known = fields.map((f) => f.name).join(', ') || '(none)';
        throw new BoardError(
          'invalid',
          `agent_notes_field: WeKan board "${this.board!.title}" has no custom field "${wanted}"; custom fields: ${known}`,
        );
      }
      if (field.type !== 'text') {
        throw new BoardError(
          'invalid',
          `agent_notes_field: custom field "${wanted}" is of type ${field.type}, not text`,
        );
      }
      this.notesFieldId = field._id;
    }
    await this.loadUsers();
  }

  private async findBoardId(): Promise<string> {
    const wanted = this.options.board.trim();
    // Any call logs in first, which tells the user's id.
    await this.client.send({ path: 'api/user', idempotent: true, what: 'read the logged-in user' });
    const mine = await this.client.get<{ _id: string; title: string }[]>(
      `api/users/${this.client.userId}/boards`,
      'list the boards of the user',
    );
    const found = mine.find((b) => b._id === wanted) ?? mine.find((b) => b.title === wanted);
    if (!found) {
      const known = mine.map((b) => b.title).join(', ') || `(none ${this.options.username} is a member of)`;
      throw new BoardError('invalid', `board: WeKan board "${wanted}" not found (by id or title); boards: ${known}`);
    }
    return found._id;
  }

  private async loadBoard(): Promise<void> {
    const id = this.board?._id ?? (await this.findBoardId());
    this.board = await this.client.get<WekanBoard>(`api/boards/${id}`, 'read the board');
    await this.loadLists();
  }

  private async loadLists(): Promise<WekanList[]> {
    const lists = await this.client.get<WekanList[]>(`api/boards/${this.board!._id}/lists`, 'list the lists');
    if (!Array.isArray(lists)) throw new BoardError('transient', "WeKan's answer to list the lists is not a list");
    this.lists = lists;
    return lists;
  }

  /**
   * Usernames of the board's members: `GET /api/users` is for admins only;
   * anyone else reads them from the board export. A member whose name cannot
   * be read is shown by their user id.
   */
  private async loadUsers(): Promise<void> {
    try {
      const users = await this.client.get<{ _id: string; username: string }[]>('api/users', 'list users');
      for (const u of users) this.usernames.set(u._id, u.username);
      return;
    } catch (err) {
      if (!(err instanceof BoardError) || err.kind !== 'auth') throw err;
    }
    try {
      const dump = await this.exportBoard();
      for (const u of dump.users ?? []) this.usernames.set(u._id, u.username);
    } catch (err) {
      if (!(err instanceof BoardError) || err.retryable) throw err;
      log.warn(`board ${this.boardId}: cannot read usernames (${err.message}); assignees are shown by user id`);
    }
  }

  private async ready(): Promise<void> {
    if (!this.board || !this.swimlaneId) await this.connect();
  }

  private directory(): Directory {
    return {
      listTitle: (id) => this.lists.find((l) => l._id === id)?.title ?? id,
      labelName: (id) => this.board?.labels.find((l) => l._id === id)?.name,
      username: (id) => this.usernames.get(id) ?? id,
      notesFieldId: this.notesFieldId,
    };
  }

  /** A card on a list or label this adapter has not seen (made since): read the board again first. */
  private async toTask(card: WekanCard): Promise<Task> {
    const unknownList = !this.lists.some((l) => l._id === card.listId);
    const unknownLabel = (card.labelIds ?? []).some((id) => !this.board!.labels.some((l) => l._id === id));
    if (unknownList || unknownLabel) await this.loadBoard();
    const unknownUser = (card.assignees ?? []).some((id) => !this.usernames.has(id));
    if (unknownUser) await this.loadUsers();
    return taskFromCard(card, this.directory());
  }

  async listColumns(): Promise<string[]> {
    await this.ready();
    return (await this.loadLists()).map((l) => l.title);
  }

  /** Every open card. Archived cards are not listed (WeKan's lists hide them), so they count as deleted. */
  async listTasks(): Promise<Task[]> {
    await this.ready();
    const lists = await this.loadLists();
    let cards: WekanCard[];
    if (this.exportWorks) {
      try {
        const dump = await this.exportBoard();
        cards = (dump.cards ?? []).filter((c) => !c.archived);
        this.snapshots.clear();
        for (const list of lists) {
          const own = cards.filter((c) => c.listId === list._id);
          this.snapshots.set(list._id, {
            cardsModifiedAt: list.cardsModifiedAt,
            cards: new Map(own.map((c) => [c._id, c])),
          });
        }
        for (const u of dump.users ?? []) this.usernames.set(u._id, u.username);
        if (dump.labels) this.board!.labels = dump.labels;
        return this.tasksOf(cards);
      } catch (err) {
        if (!(err instanceof BoardError) || err.retryable) throw err;
        this.exportWorks = false;
        log.warn(`board ${this.boardId}: the board export is refused (${err.message}); listing list by list instead`);
      }
    }
    cards = [];
    for (const list of lists) cards.push(...(await this.readList(list)));
    return this.tasksOf(cards);
  }

  private async tasksOf(cards: WekanCard[]): Promise<Task[]> {
    const tasks: Task[] = [];
    for (const card of cards) tasks.push(await this.toTask(card));
    return tasks;
  }

  /** `GET /api/boards/:id/export`: the whole board with every card document in one answer (models/export.js). */
  private exportBoard(): Promise<{
    cards?: WekanCard[];
    users?: { _id: string; username: string }[];
    labels?: WekanLabel[];
  }> {
    return this.client.get(`api/boards/${this.board!._id}/export?attachments=false`, 'export the board');
  }

  /** One list's open cards in full: its compact listing, then each card (the listing lacks labels and dates). */
  private async readList(list: WekanList): Promise<WekanCard[]> {
    const compact = await this.client.get<CompactCard[]>(
      `api/boards/${this.wekanId}/lists/${list._id}/cards`,
      `list the cards of "${list.title}"`,
    );
    if (!Array.isArray(compact)) throw new BoardError('transient', "WeKan's answer to list cards is not a list");
    const read = await inPool(compact, this.options.readConcurrency ?? 8, (c) => this.readCard(c._id));
    const cards = read.filter((c): c is WekanCard => c !== null && c.listId === list._id);
    // A card now in this list is no longer in the snapshot of the list it came from.
    for (const [id, snap] of this.snapshots) if (id !== list._id) for (const c of cards) snap.cards.delete(c._id);
    this.snapshots.set(list._id, {
      cardsModifiedAt: list.cardsModifiedAt,
      cards: new Map(cards.map((c) => [c._id, c])),
    });
    return cards;
  }

  /**
   * The cheap detector: one `GET /lists`. A list whose `cardsModifiedAt` is
   * before the watermark has no card changed since; one whose value is what
   * it was at its last read is served from that read; only the others are
   * read again. (A card deleted outright may leave its list's value as it
   * was: deletions are the full listing's job, as on every polled board.)
   */
  async listChangedSince(since: string | null): Promise<ChangePage> {
    if (since === null) {
      const tasks = await this.listTasks();
      return { tasks, watermark: watermarkOf(tasks, null) };
    }
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new BoardError('invalid', `"${since}" is not a date-time watermark`);
    await this.ready();
    const lists = await this.loadLists();
    const byId = new Map<string, WekanCard>();
    for (const list of lists) {
      // WeKan before v10.72 sends no `cardsModifiedAt`: nothing says a list is unchanged, so it is read.
      const known = list.cardsModifiedAt === null || typeof list.cardsModifiedAt === 'string';
      if (!known) this.warnNoListDates();
      if (known && (list.cardsModifiedAt === null || Date.parse(list.cardsModifiedAt) < sinceMs)) continue;
      const snap = this.snapshots.get(list._id);
      const cards =
        known && snap && snap.cardsModifiedAt === list.cardsModifiedAt
          ? [...snap.cards.values()]
          : await this.readList(list);
      for (const card of cards) {
        const seen = byId.get(card._id);
        if (!seen || Date.parse(cardTime(card)) > Date.parse(cardTime(seen))) byId.set(card._id, card);
      }
    }
    const changed = [...byId.values()].filter((c) => Date.parse(cardTime(c)) >= sinceMs);
    const tasks = await this.tasksOf(changed);
    return { tasks, watermark: watermarkOf(tasks, since) };
  }

  private warnedNoListDates = false;

  private warnNoListDates(): void {
    if (this.warnedNoListDates) return;
    this.warnedNoListDates = true;
    log.warn(
      `board ${this.boardId}: this WeKan's lists carry no cardsModifiedAt (it is older than v10.72); every list is read on each poll, which costs a request per card`,
    );
  }

  /** The card document, or null when it is gone, archived or on another board. */
  private async readCard(id: string): Promise<WekanCard | null> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return null;
    try {
      const card = await this.client.get<WekanCard | null>(`api/cards/${id}`, 'read a card');
      if (!card || typeof card !== 'object' || card.boardId !== this.wekanId || card.archived) return null;
      return card;
    } catch (err) {
      if (err instanceof BoardError && err.kind === 'not_found') return null;
      throw err;
    }
  }

  async getTask(id: string): Promise<Task | null> {
    await this.ready();
    const card = await this.readCard(id);
    return card ? this.toTask(card) : null;
  }

  /** The marker is in each card's description, which the compact listings carry: one request per list. */
  async findTaskByMarker(marker: string): Promise<Task | null> {
    await this.ready();
    for (const list of await this.loadLists()) {
      const compact = await this.client.get<CompactCard[]>(
        `api/boards/${this.wekanId}/lists/${list._id}/cards`,
        'find a card by its marker',
      );
      const hit = compact.find((c) => splitDescription(c.description).hidden.marker === marker);
      if (hit) return this.getTask(hit._id);
    }
    return null;
  }

  /**
   * `POST …/lists/:listId/cards` takes title, description, swimlane,
   * assignees and dates (server/models/cards.js); its `parentId` is read
   * from a route parameter that does not exist, so labels, parent and the
   * notes field follow in one PUT. The marker is in the description of the
   * creating request, so a lost answer is found before a retry.
   */
  async createTask(input: CreateTaskInput): Promise<Task> {
    await this.ready();
    const fields = checkPatch(input.fields);
    if (fields.priority) throw this.noPriority();
    const list = fields.status !== undefined ? await this.listNamed(fields.status) : this.lists[0]!;
    if (fields.parentId) await this.expectCard(fields.parentId);
    const assignees = fields.assignee ? [await this.memberId(fields.assignee)] : [];
    const description = joinDescription(
      {
        description: fields.description ?? '',
        agentNotes: this.notesFieldId ? '' : (fields.agentNotes ?? ''),
        hidden: { marker: input.marker, detachedFrom: null },
      },
      true,
    );
    const { body, text } = await this.client.post<{ _id?: unknown }>(
      `api/boards/${this.wekanId}/lists/${list._id}/cards`,
      {
        title: fields.title,
        description,
        swimlaneId: this.swimlaneId,
        assignees,
        ...(fields.dueDate ? { dueAt: `${fields.dueDate}T00:00:00.000Z` } : {}),
      },
      'create a card',
    );
    if (typeof body._id !== 'string') {
      throw new BoardError('transient', `WeKan answered the card create without an id: ${text.slice(0, 200)}`);
    }
    const rest: FieldPatch = {
      ...(fields.labels?.length ? { labels: fields.labels } : {}),
      ...(fields.parentId ? { parentId: fields.parentId } : {}),
      ...(this.notesFieldId && fields.agentNotes ? { agentNotes: fields.agentNotes } : {}),
    };
    const wanted: FieldPatch = {
      title: fields.title,
      description: fields.description ?? '',
      status: list.title,
      assignee: fields.assignee ?? null,
      dueDate: fields.dueDate ?? null,
      ...(this.notesFieldId ? {} : { agentNotes: fields.agentNotes ?? '' }),
    };
    const made = await this.verified(body._id, wanted, 'create a card', text);
    return Object.keys(rest).length > 0 ? this.updateTask(made.id, rest) : made;
  }

  /** Reads the card written and compares each written field; a difference is an error with WeKan's answer. */
  private async verified(id: string, wanted: FieldPatch, what: string, answer: string): Promise<Task> {
    const card = await this.readCard(id);
    const task = card ? await this.toTask(card) : null;
    const differs = (Object.keys(wanted) as TaskField[]).filter(
      (f) => wanted[f] !== undefined && (!task || !sameValue(task[f], wanted[f])),
    );
    if (task && differs.length === 0) return task;
    const detail = task
      ? differs.map((f) => `${f} is ${JSON.stringify(task[f])}, not ${JSON.stringify(wanted[f])}`).join('; ')
      : 'the card cannot be read back';
    const message = `WeKan answered ${what} on card ${id} with ${answer.trim().slice(0, 300) || '(an empty body)'} but did not write it: ${detail}`;
    log.warn(`board ${this.boardId}: ${message}`);
    // WeKan drops what it will not take (an assignee no longer active) without a word: the retry reads the board afresh.
    await this.loadBoard().catch(() => undefined);
    throw new BoardError('transient', message);
  }

  async updateTask(id: string, patch: FieldPatch): Promise<Task> {
    await this.ready();
    const fields = checkPatch(patch);
    if (fields.priority) throw this.noPriority();
    if (fields.parentId) await this.expectCard(fields.parentId, id);
    const card = await this.readCard(id);
    if (!card) throw new BoardError('not_found', `WeKan card ${id} does not exist (deleted or archived?)`);
    const before = await this.toTask(card);
    if (!patchChanges(before, fields)) return before;
    const body = await this.changesFor(card, before, fields);
    // The URL names the card's list as just read: WeKan's selector pins it, and a stale one writes nothing.
    const { text } = await this.client.put(
      `api/boards/${this.wekanId}/lists/${card.listId}/cards/${id}`,
      body,
      'update a card',
    );
    return this.verified(id, fields, 'update a card', text);
  }

  /** The PUT body for `fields` on top of the card as it is now. */
  private async changesFor(card: WekanCard, before: Task, fields: FieldPatch): Promise<Record<string, unknown>> {
    const body: Record<string, unknown> = {};
    if (fields.title !== undefined) body.title = fields.title;
    const parts = splitDescription(card.description);
    const notesInText = this.notesFieldId === undefined;
    let hidden = parts.hidden;
    if (fields.parentId !== undefined) {
      if (fields.parentId === null) {
        // WeKan's PUT skips a falsy parentId: the native parent stays, and Deckhand records the detach.
        if (card.parentId) hidden = { ...hidden, detachedFrom: card.parentId };
      } else {
        body.parentId = fields.parentId;
        hidden = { ...hidden, detachedFrom: null };
      }
    }
    const textChanges =
      fields.description !== undefined || (notesInText && fields.agentNotes !== undefined) || hidden !== parts.hidden;
    if (textChanges) {
      const stored = joinDescription(
        {
          description: fields.description ?? parts.description,
          agentNotes: fields.agentNotes ?? parts.agentNotes,
          hidden,
        },
        notesInText,
      );
      // An empty description is skipped by WeKan's PUT (`if (req.body.description)`): a blank is stored instead.
      body.description = stored === '' ? ' ' : stored;
    }
    if (fields.labels !== undefined) body.labelIds = await this.labelIds(fields.labels);
    if (fields.assignee !== undefined)
      body.assignees = fields.assignee === null ? [] : [await this.memberId(fields.assignee)];
    if (fields.dueDate !== undefined) body.dueAt = fields.dueDate === null ? null : `${fields.dueDate}T00:00:00.000Z`;
    if (!notesInText && fields.agentNotes !== undefined) {
      // `POST …/customFields/:id` only replaces an entry the card already has; the whole array is sent instead.
      const others = (card.customFields ?? []).filter((f) => f._id !== this.notesFieldId);
      body.customFields = [...others, { _id: this.notesFieldId, value: fields.agentNotes }];
    }
    if (fields.status !== undefined && fields.status !== before.status) {
      body.listId = (await this.listNamed(fields.status))._id;
    }
    return body;
  }

  private noPriority(): BoardError {
    return new BoardError('invalid', 'priority: WeKan cards have no priority; leave it at 0 (or use a label)');
  }

  private listNamed(name: string): Promise<WekanList> {
    return findByName(
      () => this.lists.map((l) => ({ ...l, name: l.title })),
      name,
      async () => void (await this.loadLists()),
      (known) => `WeKan board "${this.board!.title}" has no list "${name}"; lists: ${known}`,
    );
  }

  /** Label ids for names; a missing label is made (board admins only), else a clear error naming it. */
  private async labelIds(names: readonly string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const name of names) {
      let label = this.board!.labels.find((l) => l.name === name);
      if (!label) {
        await this.loadBoard();
        label = this.board!.labels.find((l) => l.name === name);
      }
      if (!label) label = await this.createLabel(name);
      ids.push(label._id);
    }
    return ids;
  }

  private async createLabel(name: string): Promise<WekanLabel> {
    try {
      const { body } = await this.client.put<unknown>(
        `api/boards/${this.wekanId}/labels`,
        { label: { name, color: NEW_LABEL_COLOR } },
        `create the label "${name}"`,
      );
      if (typeof body !== 'string') throw new BoardError('transient', `WeKan answered the label create without an id`);
      const label = { _id: body, name, color: NEW_LABEL_COLOR };
      this.board!.labels.push(label);
      return label;
    } catch (err) {
      if (err instanceof BoardError && err.kind === 'auth') {
        const known = this.board!.labels.map((l) => l.name).join(', ') || '(none)';
        throw new BoardError(
          'invalid',
          `labels: WeKan board "${this.board!.title}" has no label "${name}" and ${this.options.username} may not create one (only a board admin can); labels: ${known}`,
        );
      }
      throw err;
    }
  }

  /** An active board member by username (or user id); anyone else is dropped by WeKan without a word, so refused here. */
  private async memberId(name: string): Promise<string> {
    const find = (): string | undefined => {
      const active = this.board!.members.filter((m) => m.isActive);
      return (
        active.find((m) => this.usernames.get(m.userId) === name)?.userId ??
        active.find((m) => m.userId === name)?.userId
      );
    };
    let id = find();
    if (!id) {
      await this.loadBoard();
      await this.loadUsers();
      id = find();
    }
    if (!id) {
      const known = this.board!.members.filter((m) => m.isActive).map((m) => this.usernames.get(m.userId) ?? m.userId);
      throw new BoardError(
        'invalid',
        `assignee: "${name}" is not an active member of WeKan board "${this.board!.title}"; members: ${known.join(', ')}`,
      );
    }
    return id;
  }

  private async expectCard(parentId: string, selfId?: string): Promise<void> {
    if (parentId === selfId) throw new BoardError('invalid', `card ${parentId} cannot be its own parent`);
    if (!(await this.readCard(parentId))) {
      throw new BoardError('invalid', `parentId: WeKan card ${parentId} does not exist on this board`);
    }
  }

  private commentsPath(taskId: string): string {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(taskId)) throw new BoardError('not_found', `WeKan card ${taskId} does not exist`);
    return `api/boards/${this.wekanId}/cards/${taskId}/comments`;
  }

  /** The list has no dates, so each new comment is read once for its `createdAt`; oldest first. */
  async listComments(taskId: string): Promise<Comment[]> {
    await this.ready();
    const listed = await this.client.get<{ _id: string; comment: string; authorId: string }[]>(
      this.commentsPath(taskId),
      'list comments',
    );
    if (!Array.isArray(listed)) throw new BoardError('transient', "WeKan's answer to list comments is not a list");
    const comments = await inPool(listed, 4, async (c) => {
      let createdAt = this.commentTimes.get(c._id);
      if (!createdAt) {
        const full = await this.client.get<{ createdAt?: string } | null>(
          `${this.commentsPath(taskId)}/${c._id}`,
          'read a comment',
        );
        createdAt = full?.createdAt ?? new Date(0).toISOString();
        this.commentTimes.set(c._id, createdAt);
      }
      return commentFrom(
        { _id: c._id, text: c.comment, userId: c.authorId, createdAt },
        taskId,
        this.usernames.get(c.authorId) ?? c.authorId,
      );
    });
    return comments.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /** A POST is never resent on its own (WeKan would keep both); the new comment is read back before it counts. */
  async addComment(taskId: string, body: string, marker: string): Promise<Comment> {
    await this.ready();
    if (!(await this.readCard(taskId))) throw new BoardError('not_found', `WeKan card ${taskId} does not exist`);
    const { text } = await this.client.post(
      this.commentsPath(taskId),
      { comment: commentText(body, marker) },
      'add a comment',
    );
    const made = await this.findCommentByMarker(taskId, marker);
    if (!made || made.body !== body) {
      const message = `WeKan answered add a comment on card ${taskId} with ${text.slice(0, 300)} but the comment is not there`;
      log.warn(`board ${this.boardId}: ${message}`);
      throw new BoardError('transient', message);
    }
    return made;
  }

  async findCommentByMarker(taskId: string, marker: string): Promise<Comment | null> {
    return (await this.listComments(taskId)).find((c) => c.marker === marker) ?? null;
  }

  verifyWebhook(delivery: WebhookDelivery): WebhookHint {
    return verifyWekanWebhook(delivery, this.options.webhookToken, this.board?._id);
  }

  webhookConfigured(): boolean {
    return Boolean(this.options.webhookToken);
  }
}
