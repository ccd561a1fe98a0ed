/** Why a tool call did nothing (or not all it asked). Clients get `code` to branch on and `message` to show. */
export type RefusalCode =
  | 'paused'
  | 'budget'
  | 'not_routed'
  | 'not_claimed'
  | 'not_claimable'
  | 'contested'
  | 'waiting'
  | 'write_refused'
  | 'not_found'
  | 'invalid'
  | 'unavailable';

/** A field the ownership rules keep from agents: which field, who owns it, and the rule that says so. */
export interface RefusedField {
  field: string;
  owner: string;
  policy: string;
  rule: string;
}

/** A tool call Deckhand will not carry out; the endpoint answers it as a tool error with these details. */
export class ToolRefusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ToolRefusal';
  }

  toJSON(): { code: RefusalCode; message: string } & Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.details };
  }
}
