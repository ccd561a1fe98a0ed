import type { FakeFocalboard } from './server';
import { applyBlockPatch } from './server';
import { newId, type BlockRow, type UserRow } from './store';

/** A card's values as a person picks them in the web app, by property and option name. */
export interface HumanCardValues {
  title?: string;
  /** Property name -> option name(s), a person's username, a date (YYYY-MM-DD), text; null clears. */
  properties?: Record<string, string | string[] | null>;
  /** The card's first text block (the person's description). */
  text?: string;
}

/**
 * A person in Focalboard's web app, as its mutator writes (webapp
 * src/mutator.ts): a property change patches the card with its whole
 * `properties` map as the app holds it, a new label is first added to the
 * board's card property, a comment is a new comment block, a description a
 * text block in the card's content order. Written to the store directly,
 * as the server would for this user.
 */
export class HumanFocalboard {
  constructor(
    private readonly fake: FakeFocalboard,
    readonly user: UserRow,
  ) {}

  private get store() {
    return this.fake.store;
  }

  private values(card: BlockRow | undefined, properties: HumanCardValues['properties']): Record<string, unknown> {
    const out = { ...((card?.fields.properties as Record<string, unknown> | undefined) ?? {}) };
    const board = this.fake.board;
    for (const [name, value] of Object.entries(properties ?? {})) {
      const t = this.store.template(board, name);
      if (value === null || (Array.isArray(value) && value.length === 0)) {
        delete out[t.id];
        continue;
      }
      const option = (v: string) => {
        let o = t.options.find((x) => x.value === v);
        if (!o) {
          o = { id: newId('a'), value: v, color: 'propColorDefault' };
          t.options.push(o);
          board.updateAt = this.fake.now();
        }
        return o.id;
      };
      if (t.type === 'select') out[t.id] = option(value as string);
      else if (t.type === 'multiSelect') out[t.id] = (value as string[]).map(option);
      else if (t.type === 'person') out[t.id] = this.store.userByName(value as string)!.id;
      else if (t.type === 'date') out[t.id] = JSON.stringify({ from: Date.parse(`${value as string}T00:00:00Z`) });
      else out[t.id] = value;
    }
    return out;
  }

  createCard(values: HumanCardValues & { title: string }): string {
    const now = this.fake.now();
    const card: BlockRow = {
      id: newId('c'),
      parentId: this.fake.board.id,
      boardId: this.fake.board.id,
      createdBy: this.user.id,
      modifiedBy: this.user.id,
      schema: 1,
      type: 'card',
      title: values.title,
      fields: { icon: '', isTemplate: false, contentOrder: [], properties: this.values(undefined, values.properties) },
      createAt: now,
      updateAt: now,
      deleteAt: 0,
    };
    this.store.upsert(card, this.user.id);
    if (values.text) this.setText(card.id, values.text);
    return card.id;
  }

  edit(cardId: string, values: HumanCardValues): void {
    const card = this.store.card(cardId);
    if (!card) throw new Error(`fake focalboard: no card ${cardId}`);
    if (values.title !== undefined || values.properties !== undefined) {
      this.store.upsert(
        applyBlockPatch(card, {
          ...(values.title !== undefined ? { title: values.title } : {}),
          ...(values.properties ? { updatedFields: { properties: this.values(card, values.properties) } } : {}),
        }),
        this.user.id,
      );
    }
    if (values.text !== undefined) this.setText(cardId, values.text);
  }

  /** The person's description: the first text block that is not Deckhand's notes, else a new one on top. */
  setText(cardId: string, text: string): void {
    const card = this.store.card(cardId)!;
    const order = ((card.fields.contentOrder as string[] | undefined) ?? []).slice();
    const first = order
      .map((id) => this.store.blocks.get(id))
      .find((b) => b?.type === 'text' && !b.title.startsWith('🤖 Agent notes'));
    if (first) {
      this.store.upsert({ ...first, title: text }, this.user.id);
      return;
    }
    const now = this.fake.now();
    const block: BlockRow = {
      id: newId('a'),
      parentId: cardId,
      boardId: card.boardId,
      createdBy: this.user.id,
      modifiedBy: this.user.id,
      schema: 1,
      type: 'text',
      title: text,
      fields: {},
      createAt: now,
      updateAt: now,
      deleteAt: 0,
    };
    this.store.upsert(block, this.user.id);
    this.store.upsert(applyBlockPatch(card, { updatedFields: { contentOrder: [block.id, ...order] } }), this.user.id);
  }

  comment(cardId: string, text: string): string {
    const card = this.store.card(cardId);
    if (!card) throw new Error(`fake focalboard: no card ${cardId}`);
    const now = this.fake.now();
    const block: BlockRow = {
      id: newId('a'),
      parentId: cardId,
      boardId: card.boardId,
      createdBy: this.user.id,
      modifiedBy: this.user.id,
      schema: 1,
      type: 'comment',
      title: text,
      fields: {},
      createAt: now,
      updateAt: now,
      deleteAt: 0,
    };
    return this.store.upsert(block, this.user.id).id;
  }

  deleteCard(cardId: string): void {
    this.store.delete(cardId);
  }
}
