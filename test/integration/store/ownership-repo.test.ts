import type BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../../src/main/core/store/database';
import { MIGRATIONS } from '../../../src/main/core/store/migrations';
import { OwnershipRepo } from '../../../src/main/core/store/ownership-repo';
import { defaultOwnershipRules, OwnershipRulesError, type OwnershipRules } from '../../../src/shared/ownership';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();

function withRepo(fn: (repo: OwnershipRepo, db: BetterSqlite3.Database) => void): void {
  const db = openDatabase(tempDir());
  try {
    fn(new OwnershipRepo(db), db);
  } finally {
    db.close();
  }
}

const edited = (over: Partial<OwnershipRules>): OwnershipRules => ({ ...defaultOwnershipRules(), ...over });

describe('migration 006 ownership', () => {
  it('keeps data from earlier migrations and adds the versioned ownership table', () => {
    const dir = tempDir();
    let db = openDatabase(dir, { migrations: MIGRATIONS.slice(0, 5) });
    db.prepare('INSERT INTO settings VALUES (?, ?, ?)').run('kept', '"yes"', 'now');
    db.prepare("INSERT INTO log (at, actor, action) VALUES ('t', 'system', 'kept')").run();
    db.prepare("INSERT INTO pauses VALUES ('board', 'kb', 'human:test', NULL, 'now')").run();
    db.prepare("INSERT INTO base VALUES ('kb', 't1', '{}', 'v1', 'then', 'now', 0)").run();
    db.close();

    db = openDatabase(dir, { migrations: MIGRATIONS.slice(0, 6) });
    try {
      expect(schemaVersion(db)).toBe(6);
      expect(db.prepare("SELECT value FROM settings WHERE key = 'kept'").get()).toEqual({ value: '"yes"' });
      expect(db.prepare('SELECT action FROM log').get()).toEqual({ action: 'kept' });
      expect(db.prepare('SELECT paused_by FROM pauses').get()).toEqual({ paused_by: 'human:test' });
      expect(db.prepare('SELECT version FROM base').get()).toEqual({ version: 'v1' });

      const insert = db.prepare('INSERT INTO ownership VALUES (?, ?, ?, ?, ?)');
      insert.run('kb', 1, '{}', 'now', 'human:test');
      expect(() => insert.run('kb', 1, '{}', 'now', 'human:test')).toThrow(/UNIQUE/);
      expect(() => insert.run('kb', 2, 'not json', 'now', 'human:test')).toThrow(/CHECK/);
      expect(() => insert.run('kb', 2, '[1]', 'now', 'human:test')).toThrow(/CHECK/);
      expect(() => insert.run('kb', 0, '{}', 'now', 'human:test')).toThrow(/CHECK/);
      expect(() => insert.run('', 2, '{}', 'now', 'human:test')).toThrow(/CHECK/);
      expect(() => insert.run('kb', 'three', '{}', 'now', 'human:test')).toThrow(/cannot store TEXT value in INTEGER/);
      expect(() => insert.run('kb', 4, '{}', 'now', null)).toThrow(/NOT NULL/);
      expect(() => db.prepare("UPDATE ownership SET updated_by = 'x'").run()).toThrow(/never rewritten/);
    } finally {
      db.close();
    }
  });
});

describe('OwnershipRepo', () => {
  it('returns version 0 with the fallback when nothing was saved', () => {
    withRepo((repo) => {
      const fallback = edited({ status: { owner: 'shared', policy: 'ask' } });
      expect(repo.current('kb', fallback)).toEqual({
        boardId: 'kb',
        version: 0,
        rules: fallback,
        updatedAt: '',
        updatedBy: 'default',
      });
      expect(repo.current('kb').rules).toEqual(defaultOwnershipRules());
      expect(repo.history('kb')).toEqual([]);
    });
  });

  it('saves each change as a new version and keeps the history', () => {
    withRepo((repo) => {
      const v1 = repo.save('kb', edited({ status: { owner: 'shared', policy: 'ask' } }), 'human:ui');
      expect(v1).toMatchObject({ boardId: 'kb', version: 1, updatedBy: 'human:ui' });
      expect(Date.parse(v1.updatedAt)).not.toBeNaN();
      const v2 = repo.save('kb', edited({ agentNotes: { owner: 'ai', policy: 'ask' } }), 'human:cli');
      expect(v2.version).toBe(2);
      expect(repo.current('kb')).toEqual(v2);
      expect(repo.history('kb').map((s) => [s.version, s.updatedBy, s.rules.status.policy])).toEqual([
        [1, 'human:ui', 'ask'],
        [2, 'human:cli', 'last-write-wins'],
      ]);
      // Boards are independent.
      expect(repo.current('other').version).toBe(0);
      expect(repo.save('other', defaultOwnershipRules(), 'human:ui').version).toBe(1);
    });
  });

  it('does not add a version when the rules did not change', () => {
    withRepo((repo) => {
      const v1 = repo.save('kb', defaultOwnershipRules(), 'human:ui');
      expect(repo.save('kb', defaultOwnershipRules(), 'human:again')).toEqual(v1);
      expect(repo.history('kb')).toHaveLength(1);
    });
  });

  it('refuses invalid rules with problems that name the field, and writes nothing', () => {
    withRepo((repo) => {
      const bad = edited({ labels: { owner: 'human', policy: 'merge' } });
      let caught: unknown;
      try {
        repo.save('kb', bad, 'human:ui');
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(OwnershipRulesError);
      expect((caught as OwnershipRulesError).problems).toEqual([
        { path: 'labels.policy', message: expect.stringMatching(/owned by human/) },
      ]);
      expect(repo.history('kb')).toEqual([]);
    });
  });

  it('update applies a partial edit over the current rules (or the fallback)', () => {
    withRepo((repo) => {
      const fallback = edited({ priority: { owner: 'shared', policy: 'human-wins' } });
      const v1 = repo.update('kb', { status: { owner: 'ai' } }, 'human:ui', fallback);
      expect(v1.version).toBe(1);
      expect(v1.rules.status).toEqual({ owner: 'ai', policy: 'agent-wins' });
      expect(v1.rules.priority).toEqual({ owner: 'shared', policy: 'human-wins' });
      const v2 = repo.update('kb', { title: { owner: 'shared', policy: 'ask' } }, 'human:ui', fallback);
      expect(v2.version).toBe(2);
      expect(v2.rules.status).toEqual({ owner: 'ai', policy: 'agent-wins' });
      expect(() => repo.update('kb', { status: { owner: 'shared', policy: 'merge' } }, 'human:ui')).toThrow(
        /status\.policy: merge is only valid for labels/,
      );
      expect(() => repo.update('kb', { bogus: { owner: 'ai' } }, 'human:ui')).toThrow(/bogus: unknown key/);
      expect(repo.current('kb').version).toBe(2);
    });
  });

  it('survives a reopen', () => {
    const dir = tempDir();
    let db = openDatabase(dir);
    new OwnershipRepo(db).save('kb', edited({ status: { owner: 'shared', policy: 'ask' } }), 'human:ui');
    db.close();
    db = openDatabase(dir);
    try {
      expect(new OwnershipRepo(db).current('kb')).toMatchObject({ version: 1, rules: { status: { policy: 'ask' } } });
    } finally {
      db.close();
    }
  });

  it('re-checks stored rules on read: missing or invalid fields fall back, never loosen', () => {
    withRepo((repo, db) => {
      const stored = {
        ...defaultOwnershipRules(),
        title: { owner: 'ai', policy: 'human-wins' }, // invalid pair
        status: { owner: 'shared', policy: 'ask' }, // valid, kept
        retired: { owner: 'ai', policy: 'agent-wins' }, // unknown, ignored
      } as Record<string, unknown>;
      delete stored.dueDate; // e.g. saved before the field existed
      db.prepare('INSERT INTO ownership VALUES (?, ?, ?, ?, ?)').run('kb', 1, JSON.stringify(stored), 'then', 'hand');
      const fallback = defaultOwnershipRules();
      const current = repo.current('kb', fallback);
      expect(current.rules.title).toEqual(fallback.title);
      expect(current.rules.dueDate).toEqual(fallback.dueDate);
      expect(current.rules.status).toEqual({ owner: 'shared', policy: 'ask' });
      expect(current.rules).not.toHaveProperty('retired');
      // A save after a hand-edited row still gets the next version.
      expect(repo.save('kb', defaultOwnershipRules(), 'human:ui').version).toBe(2);
    });
  });
});
