import { randomInt } from 'node:crypto';

/**
 * The fake WeKan's data: Meteor's collections as plain rows (models/*.js
 * schemas), with the autoValues WeKan's schema sets (`modifiedAt` on every
 * insert and update, `dateLastActivity`, `createdAt`). See server.ts for
 * where each behaviour comes from.
 */

/** Meteor's Random.id(): 17 characters of its unambiguous alphabet. */
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz';
export function meteorId(length = 17): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

export interface UserRow {
  _id: string;
  username: string;
  password: string;
  isAdmin: boolean;
  fullname: string;
}

export interface MemberRow {
  userId: string;
  isAdmin: boolean;
  isActive: boolean;
  isNoComments: boolean;
  isCommentOnly: boolean;
  isWorker: boolean;
}

export interface BoardRow {
  _id: string;
  title: string;
  labels: { _id: string; name: string; color: string }[];
  members: MemberRow[];
  archived: boolean;
  permission: 'private' | 'public';
  createdAt: Date;
  modifiedAt: Date;
  type: 'board';
}

export interface ListRow {
  _id: string;
  title: string;
  boardId: string;
  sort: number;
  archived: boolean;
  createdAt: Date;
  modifiedAt: Date;
}

export interface SwimlaneRow {
  _id: string;
  title: string;
  boardId: string;
  sort: number;
  archived: boolean;
}

export interface CardRow {
  _id: string;
  title: string;
  description: string;
  boardId: string;
  listId: string;
  swimlaneId: string;
  parentId: string;
  labelIds: string[];
  members: string[];
  assignees: string[];
  dueAt?: Date;
  archived: boolean;
  customFields: { _id: string; value: unknown }[];
  sort: number;
  cardNumber: number;
  userId: string;
  createdAt: Date;
  modifiedAt: Date;
  dateLastActivity: Date;
  type: 'cardType-card';
  linkedId: string;
}

export interface CommentRow {
  _id: string;
  text: string;
  cardId: string;
  boardId: string;
  userId: string;
  createdAt: Date;
  modifiedAt: Date;
}

export interface CustomFieldRow {
  _id: string;
  boardIds: string[];
  name: string;
  type: 'text' | 'number' | 'date' | 'dropdown' | 'checkbox' | 'currency' | 'stringtemplate';
  settings: Record<string, unknown>;
  showOnCard: boolean;
  automaticallyOnCard: boolean;
  alwaysOnCard: boolean;
  showLabelOnMiniCard: boolean;
}

export interface IntegrationRow {
  _id: string;
  boardId: string;
  url: string;
  token: string;
  enabled: boolean;
  type: 'outgoing-webhooks';
  activities: string[];
}

export interface ActivityRow {
  _id: string;
  activityType: string;
  boardId: string;
  cardId?: string;
  listId?: string;
  userId: string;
  createdAt: Date;
  modifiedAt: Date;
}

export class WekanStore {
  users: UserRow[] = [];
  boards: BoardRow[] = [];
  lists: ListRow[] = [];
  swimlanes: SwimlaneRow[] = [];
  cards: CardRow[] = [];
  comments: CommentRow[] = [];
  customFields: CustomFieldRow[] = [];
  integrations: IntegrationRow[] = [];
  activities: ActivityRow[] = [];
  private cardNumbers = new Map<string, number>();

  constructor(private readonly now: () => Date) {}

  addUser(username: string, password: string, isAdmin = false): UserRow {
    const user = { _id: meteorId(), username, password, isAdmin, fullname: username };
    this.users.push(user);
    return user;
  }

  addBoard(title: string, owner: UserRow): BoardRow {
    const now = this.now();
    const board: BoardRow = {
      _id: meteorId(),
      title,
      // A new board's default labels (models/boards.js Boards.before.insert): colours without names.
      labels: ['green', 'yellow', 'orange', 'red', 'purple', 'blue'].map((color) => ({
        _id: meteorId(6),
        name: '',
        color,
      })),
      members: [this.member(owner._id, true)],
      archived: false,
      permission: 'private',
      createdAt: now,
      modifiedAt: now,
      type: 'board',
    };
    this.boards.push(board);
    this.swimlanes.push({ _id: meteorId(), title: 'Default', boardId: board._id, sort: 0, archived: false });
    return board;
  }

  member(userId: string, isAdmin = false): MemberRow {
    return { userId, isAdmin, isActive: true, isNoComments: false, isCommentOnly: false, isWorker: false };
  }

  addList(boardId: string, title: string): ListRow {
    const now = this.now();
    const sort = this.lists.filter((l) => l.boardId === boardId).length;
    const list = { _id: meteorId(), title, boardId, sort, archived: false, createdAt: now, modifiedAt: now };
    this.lists.push(list);
    return list;
  }

  board(id: string): BoardRow | undefined {
    return this.boards.find((b) => b._id === id);
  }

  card(id: string): CardRow | undefined {
    return this.cards.find((c) => c._id === id);
  }

  user(id: string): UserRow | undefined {
    return this.users.find((u) => u._id === id);
  }

  nextCardNumber(boardId: string): number {
    const n = (this.cardNumbers.get(boardId) ?? 0) + 1;
    this.cardNumbers.set(boardId, n);
    return n;
  }

  insertCard(
    fields: Partial<CardRow> & Pick<CardRow, 'title' | 'boardId' | 'listId' | 'swimlaneId' | 'userId'>,
  ): CardRow {
    const now = this.now();
    const card: CardRow = {
      _id: meteorId(),
      description: '',
      parentId: '',
      labelIds: [],
      members: [],
      assignees: [],
      archived: false,
      customFields: [],
      sort: this.cards.filter((c) => c.listId === fields.listId && !c.archived).length,
      cardNumber: this.nextCardNumber(fields.boardId),
      createdAt: now,
      modifiedAt: now,
      dateLastActivity: now,
      type: 'cardType-card',
      linkedId: '',
      ...fields,
    };
    this.cards.push(card);
    return card;
  }

  /** An update as `Cards.direct.updateAsync` with WeKan's selector: nothing happens unless it matches. */
  updateCard(
    selector: { _id: string; listId?: string; boardId: string; archived?: boolean },
    set: Partial<CardRow>,
    unset: (keyof CardRow)[] = [],
  ): number {
    const card = this.card(selector._id);
    if (!card || card.boardId !== selector.boardId) return 0;
    if (selector.listId !== undefined && card.listId !== selector.listId) return 0;
    if (selector.archived !== undefined && card.archived !== selector.archived) return 0;
    Object.assign(card, set);
    for (const key of unset) delete (card as unknown as Record<string, unknown>)[key];
    // The schema's autoValues (models/cards.js): modifiedAt and dateLastActivity on every update.
    const now = this.now();
    card.modifiedAt = now;
    card.dateLastActivity = now;
    return 1;
  }

  insertComment(card: CardRow, userId: string, text: string): CommentRow {
    const now = this.now();
    const comment = {
      _id: meteorId(),
      text,
      cardId: card._id,
      boardId: card.boardId,
      userId,
      createdAt: now,
      modifiedAt: now,
    };
    this.comments.push(comment);
    return comment;
  }

  logActivity(
    activityType: string,
    fields: Omit<ActivityRow, '_id' | 'activityType' | 'createdAt' | 'modifiedAt'>,
  ): ActivityRow {
    const now = this.now();
    const row = { _id: meteorId(), activityType, createdAt: now, modifiedAt: now, ...fields };
    this.activities.push(row);
    return row;
  }

  /** `newestCardChangeByList` (models/lib/listActivityDates.js): the newer of modifiedAt and dateLastActivity, archived cards included. */
  newestCardChange(listId: string): Date | null {
    let newest: number | null = null;
    for (const card of this.cards) {
      if (card.listId !== listId) continue;
      const t = Math.max(card.modifiedAt?.getTime() ?? -Infinity, card.dateLastActivity?.getTime() ?? -Infinity);
      if (Number.isFinite(t) && (newest === null || t > newest)) newest = t;
    }
    return newest === null ? null : new Date(newest);
  }
}
