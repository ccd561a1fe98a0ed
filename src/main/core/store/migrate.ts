import type { Database } from 'better-sqlite3';

/** One numbered schema change. `version` is the user_version after it runs. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

export class SchemaTooNewError extends Error {
  constructor(file: string, found: number, supported: number) {
    super(
      `The database ${file} has schema version ${found}, but this Deckhand only understands up to version ${supported}. ` +
        'It was written by a newer Deckhand. Upgrade Deckhand, or point --data at another directory.',
    );
    this.name = 'SchemaTooNewError';
  }
}

/** Refuses a registry with gaps or out-of-order entries, so a bad merge fails loudly in tests. */
export function checkMigrationOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(
        `migration "${m.name}" has version ${m.version}; expected ${i + 1} (versions must be 1..n in order)`,
      );
    }
  });
}

/**
 * Brings the database up to the latest version. All pending migrations run in
 * one transaction together with the user_version bump: a crash leaves the
 * database at the old version, never half-migrated.
 */
export function migrate(db: Database, migrations: readonly Migration[], file: string): { from: number; to: number } {
  checkMigrationOrder(migrations);
  const latest = migrations.length;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) throw new SchemaTooNewError(file, current, latest);
  if (current === latest) return { from: current, to: current };
  const run = db.transaction(() => {
    for (const m of migrations.slice(current)) m.up(db);
    db.pragma(`user_version = ${latest}`);
  });
  run.immediate();
  return { from: current, to: latest };
}
