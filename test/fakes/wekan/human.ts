import type { FakeWekan } from './server';
import { meteorId, type CardRow, type UserRow } from './store';

export interface HumanCardFields {
  title?: string;
  description?: string;
  /** A list title. */
  list?: string;
  /** Label names; a name the board lacks is made, as the label popup's "create" does. */
  labels?: string[];
  /** Usernames. */
  assignees?: string[];
  parentId?: string | null;
  dueAt?: string | null;
}

/**
 * A person in WeKan's web UI: the edits go through Meteor methods with a
 * user, so each logs its activity and fires the board's outgoing webhooks,
 * which REST writes do not.
 */
export class HumanActions {
  constructor(
    private readonly fake: FakeWekan,
    readonly user: UserRow,
  ) {}

  private listId(title: string): string {
    const list = this.fake.store.lists.find((l) => l.boardId === this.fake.board._id && l.title === title);
    if (!list) throw new Error(`fake wekan: no list "${title}"`);
    return list._id;
  }

  private labelId(name: string): string {
    const board = this.fake.board;
    let label = board.labels.find((l) => l.name === name);
    if (!label) {
      label = { _id: meteorId(6), name, color: 'blue' };
      board.labels.push(label);
    }
    return label._id;
  }

  private userId(username: string): string {
    const user = this.fake.store.users.find((u) => u.username === username);
    if (!user) throw new Error(`fake wekan: no user "${username}"`);
    return user._id;
  }

  createCard(fields: HumanCardFields & { title: string }): CardRow {
    const s = this.fake.store;
    const card = s.insertCard({
      title: fields.title,
      description: fields.description ?? '',
      boardId: this.fake.board._id,
      listId: this.listId(fields.list ?? s.lists.find((l) => l.boardId === this.fake.board._id)!.title),
      swimlaneId: s.swimlanes.find((l) => l.boardId === this.fake.board._id)!._id,
      userId: this.user._id,
      labelIds: (fields.labels ?? []).map((n) => this.labelId(n)),
      assignees: (fields.assignees ?? []).map((u) => this.userId(u)),
      parentId: fields.parentId ?? '',
      ...(fields.dueAt ? { dueAt: new Date(fields.dueAt) } : {}),
    });
    this.fake.emit('act-createCard', this.user, card);
    return card;
  }

  edit(cardId: string, fields: HumanCardFields): void {
    const s = this.fake.store;
    const card = s.card(cardId);
    if (!card) throw new Error(`fake wekan: no card ${cardId}`);
    const set: Partial<CardRow> = {};
    const unset: (keyof CardRow)[] = [];
    if (fields.title !== undefined) set.title = fields.title;
    if (fields.description !== undefined) set.description = fields.description;
    if (fields.labels !== undefined) set.labelIds = fields.labels.map((n) => this.labelId(n));
    if (fields.assignees !== undefined) set.assignees = fields.assignees.map((u) => this.userId(u));
    if (fields.parentId !== undefined) set.parentId = fields.parentId ?? '';
    if (fields.dueAt !== undefined) {
      if (fields.dueAt === null) unset.push('dueAt');
      else set.dueAt = new Date(fields.dueAt);
    }
    const oldListId = card.listId;
    if (fields.list !== undefined) set.listId = this.listId(fields.list);
    s.updateCard({ _id: cardId, boardId: card.boardId }, set, unset);
    const activity =
      fields.list !== undefined && set.listId !== oldListId
        ? 'act-moveCard'
        : fields.title !== undefined
          ? 'act-a-changedTitle'
          : 'act-a-changedDescription';
    this.fake.emit(activity, this.user, card, activity === 'act-moveCard' ? { oldListId } : {});
  }

  comment(cardId: string, text: string): string {
    const card = this.fake.store.card(cardId);
    if (!card) throw new Error(`fake wekan: no card ${cardId}`);
    const comment = this.fake.store.insertComment(card, this.user._id, text);
    // A comment does not touch the card document (CardComments is its own collection).
    this.fake.emit('act-addComment', this.user, card, { comment: text, commentId: comment._id });
    return comment._id;
  }

  /** Deletes the card outright (card menu > More > Delete), its comments with it. */
  deleteCard(cardId: string): void {
    const s = this.fake.store;
    const card = s.card(cardId);
    if (!card) throw new Error(`fake wekan: no card ${cardId}`);
    this.fake.emit('act-deleteCard', this.user, card);
    s.cards = s.cards.filter((c) => c._id !== cardId);
    s.comments = s.comments.filter((c) => c.cardId !== cardId);
  }

  archive(cardId: string): void {
    const card = this.fake.store.card(cardId)!;
    this.fake.store.updateCard({ _id: cardId, boardId: card.boardId }, { archived: true });
    this.fake.emit('act-archivedCard', this.user, card);
  }
}
