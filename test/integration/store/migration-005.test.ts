import { describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../../src/main/core/store/database';
import { MIGRATIONS } from '../../../src/main/core/store/migrations';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();

describe('migration 005: engine tables', () => {
  it('adds base, outbox, conflicts, deliveries and board_sync, keeping earlier data', () => {
    const dir = tempDir();
    let db = openDatabase(dir, { migrations: MIGRATIONS.slice(0, 4) });
    db.prepare("INSERT INTO log (at, actor, action) VALUES ('t', 'system', 'kept')").run();
    db.close();
    db = openDatabase(dir, { migrations: MIGRATIONS.slice(0, 5) });
    expect(schemaVersion(db)).toBe(5);
    expect(db.prepare('SELECT action FROM log').get()).toEqual({ action: 'kept' });

    const outbox = db.prepare(
      `INSERT INTO outbox (idem_key, board_id, task_id, kind, payload_json, actor, operation_id, created_at, intent_at_ms)
       VALUES (?, 'b', 't', ?, '{}', 'agent:a', 'op', 'now', 0)`,
    );
    outbox.run('k1', 'update');
    // One row per idempotency key: the same intent twice is refused by the schema itself.
    expect(() => outbox.run('k1', 'update')).toThrow(/UNIQUE/);
    expect(() => outbox.run('k2', 'delete-everything')).toThrow(/CHECK/);

    const conflict = db.prepare(
      `INSERT INTO conflicts (board_id, task_id, field, actor, operation_id, opened_at, state) VALUES ('b', 't', 'status', 'agent:a', 'op', 'now', ?)`,
    );
    conflict.run('open');
    // At most one open conflict per task field; resolved ones may pile up as history.
    expect(() => conflict.run('open')).toThrow(/UNIQUE/);
    conflict.run('resolved');
    conflict.run('resolved');

    const delivery = db.prepare("INSERT INTO deliveries VALUES ('b', ?, 'now')");
    delivery.run('d1');
    expect(() => delivery.run('d1')).toThrow(/UNIQUE|PRIMARY/);

    expect(() => db.prepare("INSERT INTO base VALUES ('b', 't', 'not json', 'v', 'u', 's', 0)").run()).toThrow(/CHECK/);
    db.prepare("INSERT INTO board_sync (board_id) VALUES ('b')").run();
    expect(db.prepare('SELECT error_count FROM board_sync').get()).toEqual({ error_count: 0 });
    db.close();
  });
});
