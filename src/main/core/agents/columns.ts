import { COLUMN_ROLES, type ColumnRole } from '../config';

/** Column names boards commonly use for each role, tried when the config does not map a role. */
/** The names Deckhand recognises per role; the first is the one it gives a column it creates. */
export const CONVENTIONAL_NAMES: Record<ColumnRole, readonly string[]> = {
  backlog: ['Backlog', 'Icebox'],
  todo: ['To do', 'Todo', 'Ready', 'Open'],
  working: ['Work in progress', 'In progress', 'Doing', 'WIP'],
  // 'Ready for test' is Taiga's default review status.
  review: ['Ready for Review', 'Review', 'In review', 'Ready for test'],
  blocked: ['Blocked — Needs Input', 'Blocked - Needs Input', 'Blocked', 'Needs input', 'On hold'],
  done: ['Done', 'Closed', 'Complete'],
};

const fold = (s: string): string => s.trim().toLowerCase();

/**
 * A board's columns by role (working, review, blocked, ...): the config's
 * `columns` first, else a conventional name the board actually has. A role the
 * board has no column for resolves to undefined, and the workflow skips that move
 * rather than invent a column.
 */
export class BoardColumns {
  constructor(
    private readonly configured: Partial<Record<ColumnRole, string>>,
    /** The board's columns in order (empty when unknown). */
    readonly names: readonly string[],
  ) {}

  role(role: ColumnRole): string | undefined {
    const configured = this.configured[role];
    if (configured) return this.names.find((n) => fold(n) === fold(configured)) ?? configured;
    for (const candidate of CONVENTIONAL_NAMES[role]) {
      const match = this.names.find((n) => fold(n) === fold(candidate));
      if (match) return match;
    }
    return undefined;
  }

  /** A role (`review`) or a column name (`Ready for Review`) to the board's column name. */
  resolve(target: string): string | undefined {
    if ((COLUMN_ROLES as readonly string[]).includes(target)) return this.role(target as ColumnRole);
    return this.names.find((n) => fold(n) === fold(target)) ?? (this.names.length === 0 ? target : undefined);
  }

  /** Whether a task status is the column of this role. */
  is(role: ColumnRole, status: string): boolean {
    const name = this.role(role);
    return name !== undefined && fold(name) === fold(status);
  }
}

/**
 * What a board without a review or blocked column means for agents, said at
 * connect time so nobody finds out from a card stuck in the working column.
 */
export function columnRoleWarnings(columns: BoardColumns): string[] {
  const warnings: string[] = [];
  if (!columns.role('review')) {
    const done = columns.role('done');
    warnings.push(
      `no review column (none named ${CONVENTIONAL_NAMES.review.join(', ')}): agents move finished tasks to ` +
        `${done ? `"${done}"` : 'no column (they stay where they are)'}; add a review column on the board or set the review column`,
    );
  }
  if (!columns.role('blocked')) {
    warnings.push(
      'no blocked column: a task whose agent asks a question stays where it is; answer it in the inbox or in a comment and the agent goes on',
    );
  }
  return warnings;
}
