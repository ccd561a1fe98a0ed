import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, openDatabase, schemaVersion } from '../../../src/main/core/store/database';
import { checkMigrationOrder, SchemaTooNewError, type Migration } from '../../../src/main/core/store/migrate';
import { MIGRATIONS } from '../../../src/main/core/store/migrations';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();

function tables(db: BetterSqlite3.Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
  ).map((r) => r.name);
}

describe('store migrations', () => {
  it('applies every migration to a new file, in WAL mode, and records the version', () => {
    const dir = tempDir();
    const db = openDatabase(dir);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(tables(db)).toEqual(expect.arrayContaining(['settings', 'log', 'pauses']));
    db.close();
  });

  it('001 settings: stores JSON values and rejects non-JSON', () => {
    const db = openDatabase(tempDir(), { migrations: MIGRATIONS.slice(0, 1) });
    expect(schemaVersion(db)).toBe(1);
    db.prepare('INSERT INTO settings VALUES (?, ?, ?)').run('k', '{"a":1}', 'now');
    expect(() => db.prepare('INSERT INTO settings VALUES (?, ?, ?)').run('bad', 'not json', 'now')).toThrow(/CHECK/);
    db.close();
  });

  it('002 sync log: keeps rows from 001 and makes the log append-only', () => {
    const dir = tempDir();
    let db = openDatabase(dir, { migrations: MIGRATIONS.slice(0, 1) });
    db.prepare('INSERT INTO settings VALUES (?, ?, ?)').run('kept', '"yes"', 'now');
    db.close();
    db = openDatabase(dir, { migrations: MIGRATIONS.slice(0, 2) });
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare("SELECT value FROM settings WHERE key = 'kept'").get()).toEqual({ value: '"yes"' });
    db.prepare("INSERT INTO log (at, actor, action) VALUES ('t', 'system', 'test')").run();
    expect(() => db.prepare("UPDATE log SET action = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM log').run()).toThrow(/append-only/);
    db.close();
  });

  it('003 pauses: one row per scope and target, scopes checked', () => {
    const dir = tempDir();
    let db = openDatabase(dir, { migrations: MIGRATIONS.slice(0, 2) });
    db.prepare("INSERT INTO log (at, actor, action) VALUES ('t', 'system', 'kept')").run();
    db.close();
    db = openDatabase(dir, { migrations: MIGRATIONS.slice(0, 3) });
    expect(db.prepare('SELECT action FROM log').get()).toEqual({ action: 'kept' });
    const insert = db.prepare('INSERT INTO pauses VALUES (?, ?, ?, ?, ?)');
    insert.run('agent', 'a1', 'human:test', null, 'now');
    expect(() => insert.run('agent', 'a1', 'human:test', null, 'now')).toThrow(/UNIQUE/);
    expect(() => insert.run('planet', 'x', 'human:test', null, 'now')).toThrow(/CHECK/);
    db.close();
  });

  it('refuses a database written by a newer Deckhand, with a message that says what to do', () => {
    const dir = tempDir();
    const raw = new BetterSqlite3(join(dir, DATABASE_FILE));
    raw.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    raw.close();
    expect(() => openDatabase(dir)).toThrow(SchemaTooNewError);
    expect(() => openDatabase(dir)).toThrow(/newer Deckhand.*Upgrade Deckhand/);
  });

  it('runs pending migrations in one transaction: a failing step leaves the old version intact', () => {
    const dir = tempDir();
    openDatabase(dir, { migrations: MIGRATIONS.slice(0, 1) }).close();
    const failing: Migration = {
      version: MIGRATIONS.length + 1,
      name: 'boom',
      up() {
        throw new Error('boom');
      },
    };
    expect(() => openDatabase(dir, { migrations: [...MIGRATIONS, failing] })).toThrow('boom');
    const db = new BetterSqlite3(join(dir, DATABASE_FILE));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(db)).not.toContain('log');
    db.close();
  });

  it('rejects a registry with gaps or wrong order', () => {
    const m = (version: number): Migration => ({ version, name: `m${version}`, up() {} });
    expect(() => checkMigrationOrder([m(1), m(3)])).toThrow(/expected 2/);
    expect(() => checkMigrationOrder([m(2)])).toThrow(/expected 1/);
    expect(() => checkMigrationOrder(MIGRATIONS)).not.toThrow();
  });
});
