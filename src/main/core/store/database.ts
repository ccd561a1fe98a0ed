import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { createLogger } from '../logger';
import { migrate, type Migration } from './migrate';
import { MIGRATIONS } from './migrations';

const log = createLogger('store');

export const DATABASE_FILE = 'deckhand.db';

export interface OpenOptions {
  /** Defaults to every shipped migration; tests pass a prefix to check one step at a time. */
  migrations?: readonly Migration[];
}

/**
 * Opens (creating if needed) the one SQLite file in a data directory, in WAL
 * mode, and migrates it. This connection is the only writer.
 */
export function openDatabase(dataDir: string, options: OpenOptions = {}): Database {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, DATABASE_FILE);
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commit.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const { from, to } = migrate(db, options.migrations ?? MIGRATIONS, file);
    if (from !== to) log.info(`migrated ${file} from schema ${from} to ${to}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Checkpoints the WAL into the main file and closes, so a stopped server leaves one tidy file. */
export function closeDatabase(db: Database): void {
  if (!db.open) return;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
