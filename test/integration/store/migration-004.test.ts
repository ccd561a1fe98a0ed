import type BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, schemaVersion } from '../../../src/main/core/store/database';
import { MIGRATIONS } from '../../../src/main/core/store/migrations';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();
const NOW = '2030-01-01T00:00:00.000Z';

/** A database at version 3 with a row in each earlier table, then migrated to 4. */
function migratedFrom3(): BetterSqlite3.Database {
  const dir = tempDir();
  const old = openDatabase(dir, { migrations: MIGRATIONS.slice(0, 3) });
  old.prepare('INSERT INTO settings VALUES (?, ?, ?)').run('theme', '"dark"', NOW);
  old.prepare("INSERT INTO log (at, actor, action) VALUES (?, 'system', 'kept')").run(NOW);
  old.prepare("INSERT INTO pauses VALUES ('global', '', 'human:test', 'lunch', ?)").run(NOW);
  closeDatabase(old);
  return openDatabase(dir, { migrations: MIGRATIONS.slice(0, 4) });
}

function addBoard(db: BetterSqlite3.Database, boardId: string): void {
  db.prepare('INSERT INTO local_boards (board_id, created_at) VALUES (?, ?)').run(boardId, NOW);
  db.prepare("INSERT INTO local_columns VALUES (?, 'To do', 0)").run(boardId);
}

function addTask(db: BetterSqlite3.Database, boardId: string, id: string, extra: Record<string, unknown> = {}): void {
  const row = {
    board_id: boardId,
    id,
    title: `Task ${id}`,
    status: 'To do',
    created_at: NOW,
    updated_at: NOW,
    ...extra,
  };
  const keys = Object.keys(row);
  db.prepare(`INSERT INTO local_tasks (${keys.join(', ')}) VALUES (${keys.map((k) => '@' + k).join(', ')})`).run(row);
}

describe('migration 004: local board', () => {
  it('moves a version-3 database to 4 and keeps the data of earlier tables', () => {
    const db = migratedFrom3();
    expect(schemaVersion(db)).toBe(4);
    expect(db.prepare('SELECT value FROM settings WHERE key = ?').get('theme')).toEqual({ value: '"dark"' });
    expect(db.prepare('SELECT action FROM log').all()).toEqual([{ action: 'kept' }]);
    expect(db.prepare('SELECT reason FROM pauses').get()).toEqual({ reason: 'lunch' });
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'local_%'")
      .pluck()
      .all();
    expect(tables.sort()).toEqual(['local_boards', 'local_columns', 'local_comments', 'local_events', 'local_tasks']);
    closeDatabase(db);
  });

  it('keeps task markers unique per board, but only where set', () => {
    const db = migratedFrom3();
    addBoard(db, 'a');
    addBoard(db, 'b');
    addTask(db, 'a', '1', { marker: 'm' });
    expect(() => addTask(db, 'a', '2', { marker: 'm' })).toThrow(/UNIQUE/);
    addTask(db, 'a', '3', { marker: 'm', deleted_at: NOW, board_id: 'b' });
    addTask(db, 'a', '4');
    addTask(db, 'a', '5');
    expect(() => addTask(db, 'b', '6', { marker: 'm' })).toThrow(/UNIQUE/);
    expect(db.prepare('SELECT COUNT(*) FROM local_tasks').pluck().get()).toBe(4);
    closeDatabase(db);
  });

  it('keeps comment markers unique per board', () => {
    const db = migratedFrom3();
    addBoard(db, 'a');
    addTask(db, 'a', '1');
    const comment = db.prepare("INSERT INTO local_comments VALUES ('a', ?, '1', 'deckhand', 'hi', ?, ?, NULL)");
    comment.run('1', 'c', NOW);
    comment.run('2', null, NOW);
    comment.run('3', null, NOW);
    expect(() => comment.run('4', 'c', NOW)).toThrow(/UNIQUE/);
    closeDatabase(db);
  });

  it('checks values and references', () => {
    const db = migratedFrom3();
    addBoard(db, 'a');
    expect(() => addTask(db, 'nope', '1')).toThrow(/FOREIGN KEY/);
    expect(() => addTask(db, 'a', '1', { priority: 5 })).toThrow(/CHECK/);
    expect(() => addTask(db, 'a', '1', { labels_json: '{"a":1}' })).toThrow(/CHECK/);
    expect(() => addTask(db, 'a', '1', { due_date: 'tomorrow' })).toThrow(/CHECK/);
    expect(() => addTask(db, 'a', '1', { title: '  ' })).toThrow(/CHECK/);
    expect(() => addTask(db, 'a', '1', { parent_id: '1' })).toThrow(/CHECK/);
    expect(() => addTask(db, 'a', '1', { parent_id: '99' })).toThrow(/FOREIGN KEY/);
    expect(() => addTask(db, 'a', '1', { version: 0 })).toThrow(/CHECK/);
    expect(() => addTask(db, 'a', '1', { priority: 'two' })).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() =>
      db.prepare("INSERT INTO local_comments VALUES ('a', '1', '404', 'x', 'y', NULL, ?, NULL)").run(NOW),
    ).toThrow(/FOREIGN KEY/);
    expect(() =>
      db
        .prepare("INSERT INTO local_events (board_id, task_id, kind, actor, at) VALUES ('a', '1', 'moved', 'x', ?)")
        .run(NOW),
    ).toThrow(/CHECK/);
    closeDatabase(db);
  });

  it('indexes what the store queries by', () => {
    const db = migratedFrom3();
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT * FROM local_tasks WHERE board_id = 'a' AND updated_at >= '2030'")
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX local_tasks_updated/);
    closeDatabase(db);
  });
});
