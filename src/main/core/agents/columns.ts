import { COLUMN_ROLES, type ColumnRole } from '../config';

/** Column names boards commonly use for each role, tried when the config does not map a role. */
const CONVENTIONAL_NAMES: Record<ColumnRole, readonly string[]> = {
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
