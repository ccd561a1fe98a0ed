import { randomBytes } from 'node:crypto';

/** Rows as the fake keeps them: the server's JSON shapes (server/model/{block,board,user}.go). */
export interface BlockRow {
  id: string;
  parentId: string;
  boardId: string;
  createdBy: string;
  modifiedBy: string;
  schema: number;
  type: string;
  title: string;
  fields: Record<string, unknown>;
  createAt: number;
  updateAt: number;
  deleteAt: number;
}

export interface TemplateRow {
  id: string;
  name: string;
  type: string;
  options: { id: string; value: string; color: string }[];
}

export interface BoardRow {
  id: string;
  teamId: string;
  channelId: string;
  createdBy: string;
  modifiedBy: string;
  type: 'O' | 'P';
  minimumRole: string;
  title: string;
  description: string;
  icon: string;
  showDescription: boolean;
  isTemplate: boolean;
  templateVersion: number;
  properties: Record<string, unknown>;
  cardProperties: TemplateRow[];
  createAt: number;
  updateAt: number;
  deleteAt: number;
  /** Member user ids and whether they may edit (not sent). */
  members: Map<string, { editor: boolean }>;
}

export interface UserRow {
  id: string;
  username: string;
  password: string;
  is_bot: boolean;
}

const ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/** utils.NewID: a type letter and 26 characters of Mattermost's base32. */
export function newId(type: string): string {
  const bytes = randomBytes(26);
  let out = type;
  for (const b of bytes) out += ALPHABET[b % 32];
  return out;
}

export class FocalboardStore {
  readonly users: UserRow[] = [];
  readonly boards: BoardRow[] = [];
  readonly blocks = new Map<string, BlockRow>();

  constructor(
    readonly now: () => number,
    /** Every save and deletion, for the websocket. */
    private readonly changed: (
      block: BlockRow | { id: string; boardId: string; updateAt: number; deleteAt: number },
    ) => void = () => undefined,
  ) {}

  addUser(username: string, password: string): UserRow {
    const user: UserRow = { id: newId('u'), username, password, is_bot: false };
    this.users.push(user);
    return user;
  }

  /** A board as the "Project Tasks"-like template makes one: Status, Priority, Tags, Assignee, Due date. */
  addBoard(title: string, owner: UserRow, statuses: readonly string[]): BoardRow {
    const opt = (value: string) => ({ id: newId('a'), value, color: 'propColorDefault' });
    const now = this.now();
    const board: BoardRow = {
      id: newId('b'),
      teamId: '0',
      channelId: '',
      createdBy: owner.id,
      modifiedBy: owner.id,
      type: 'P',
      minimumRole: '',
      title,
      description: '',
      icon: '',
      showDescription: false,
      isTemplate: false,
      templateVersion: 0,
      properties: {},
      cardProperties: [
        { id: newId('a'), name: 'Status', type: 'select', options: statuses.map(opt) },
        { id: newId('a'), name: 'Priority', type: 'select', options: ['1. High 🔥', '2. Medium', '3. Low'].map(opt) },
        { id: newId('a'), name: 'Tags', type: 'multiSelect', options: [] },
        { id: newId('a'), name: 'Assignee', type: 'person', options: [] },
        { id: newId('a'), name: 'Due date', type: 'date', options: [] },
        { id: newId('a'), name: 'Estimated hours', type: 'number', options: [] },
      ],
      createAt: now,
      updateAt: now,
      deleteAt: 0,
      members: new Map([[owner.id, { editor: true }]]),
    };
    this.boards.push(board);
    return board;
  }

  board(id: string): BoardRow | undefined {
    return this.boards.find((b) => b.id === id && b.deleteAt === 0);
  }

  template(board: BoardRow, name: string): TemplateRow {
    const t = board.cardProperties.find((p) => p.name === name);
    if (!t) throw new Error(`fake focalboard: no card property "${name}"`);
    return t;
  }

  /** sqlstore insertBlock: an existing id is updated, a new one inserted; update_at is the server's clock. */
  upsert(block: BlockRow, userId: string): BlockRow {
    const existing = this.blocks.get(block.id);
    const now = this.now();
    const row: BlockRow = {
      ...structuredClone(block),
      modifiedBy: userId,
      updateAt: now,
      createdBy: existing ? existing.createdBy : userId,
      createAt: existing ? existing.createAt : now,
    };
    this.blocks.set(row.id, row);
    this.changed(structuredClone(row));
    return row;
  }

  /** deleteBlockAndChildren: the block and its children leave the table (history keeps them). */
  delete(id: string): void {
    const block = this.blocks.get(id);
    this.blocks.delete(id);
    if (block) {
      const now = this.now();
      this.changed({ id, boardId: block.boardId, updateAt: now, deleteAt: now });
    }
    for (const child of [...this.blocks.values()].filter((b) => b.parentId === id)) this.delete(child.id);
  }

  blocksOf(boardId: string): BlockRow[] {
    return [...this.blocks.values()].filter((b) => b.boardId === boardId);
  }

  card(id: string): BlockRow | undefined {
    const b = this.blocks.get(id);
    return b?.type === 'card' ? b : undefined;
  }

  userByName(name: string): UserRow | undefined {
    return this.users.find((u) => u.username === name);
  }
}

/** A board as the API sends it (members are not part of it). */
export function boardJson(board: BoardRow): Record<string, unknown> {
  const { members: _members, ...rest } = board;
  return structuredClone(rest);
}
