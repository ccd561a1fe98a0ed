import { describe, expect, it } from 'vitest';
import {
  checkConfigMigrations,
  CONFIG_MIGRATIONS,
  CURRENT_CONFIG_VERSION,
  migrateConfig,
  validateConfig,
  type ConfigMigration,
} from '../../../src/main/core/config';

/** A pretend version 0 that called boards "trackers" and had no ownership section. */
const V0_TO_V1: ConfigMigration = {
  from: 0,
  to: 1,
  description: 'rename trackers to boards',
  migrate(raw) {
    const { trackers, ...rest } = raw;
    return { ...rest, boards: trackers };
  },
};

describe('config migrations', () => {
  it('has a well-formed production registry ending at the current version', () => {
    expect(CURRENT_CONFIG_VERSION).toBe(1);
    expect(() => checkConfigMigrations(CONFIG_MIGRATIONS)).not.toThrow();
  });

  it('applies v0 → v1 from a test registry and sets schema_version', () => {
    const raw = { schema_version: 0, trackers: [{ id: 'home', type: 'local' }] };
    const result = migrateConfig(raw, [V0_TO_V1]);
    expect(result).toEqual({
      ok: true,
      raw: { boards: [{ id: 'home', type: 'local' }], schema_version: 1 },
      from: 0,
      to: 1,
    });
    // The caller's object is left alone.
    expect(raw).toEqual({ schema_version: 0, trackers: [{ id: 'home', type: 'local' }] });
  });

  it('validates a migrated config end to end', () => {
    const result = validateConfig(
      { schema_version: 0, trackers: [{ id: 'home', type: 'local' }] },
      { migrations: [V0_TO_V1] },
    );
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.migratedFrom).toBe(0);
      expect(result.config.boards).toEqual([{ id: 'home', type: 'local' }]);
    }
  });

  it('runs several steps in order, skipping ones already applied', () => {
    const seen: number[] = [];
    const step = (from: number): ConfigMigration => ({
      from,
      to: from + 1,
      description: `step ${from}`,
      migrate: (raw) => {
        seen.push(from);
        return { ...raw, [`step${from}`]: true };
      },
    });
    const registry = [step(1), step(2), step(3)];
    const result = migrateConfig({ schema_version: 2 }, registry, 4);
    expect(seen).toEqual([2, 3]);
    expect(result).toEqual({ ok: true, raw: { schema_version: 4, step2: true, step3: true }, from: 2, to: 4 });
  });

  it('leaves a current config unchanged', () => {
    const result = migrateConfig({ schema_version: 1, boards: [] });
    expect(result).toEqual({ ok: true, raw: { schema_version: 1, boards: [] }, from: 1, to: 1 });
  });

  it('refuses a config newer than this build', () => {
    const result = migrateConfig({ schema_version: 2 }, [V0_TO_V1]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.path).toBe('schema_version');
    expect(result.problems[0]!.message).toMatch(/version 2, but this Deckhand understands config versions up to 1/);
    expect(result.problems[0]!.message).toMatch(/upgrade Deckhand/);
  });

  it('reports a missing schema_version and says what the current version is', () => {
    const result = migrateConfig({ boards: [] });
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          path: 'schema_version',
          message: 'missing; add "schema_version: 1" (the current version) at the top of the config',
        },
      ],
    });
  });

  it.each([
    [{ schema_version: '1' }, 'schema_version', 'expected a whole number, like 1'],
    [{ schema_version: 1.5 }, 'schema_version', 'expected a whole number, like 1'],
    [null, '(root)', 'the config is empty; start it with "schema_version: 1"'],
    [[1, 2], '(root)', 'expected a mapping of settings (schema_version, boards, ownership, agents)'],
  ])('rejects %j', (raw, path, message) => {
    expect(migrateConfig(raw)).toEqual({ ok: false, problems: [{ path, message }] });
  });

  it('refuses a version older than the oldest migration', () => {
    const result = migrateConfig({ schema_version: 0 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]!.message).toMatch(/older than any this Deckhand can migrate/);
  });

  it('reports a migration that throws as a problem', () => {
    const broken: ConfigMigration = {
      ...V0_TO_V1,
      migrate: () => {
        throw new Error('trackers is not a list');
      },
    };
    const result = migrateConfig({ schema_version: 0 }, [broken]);
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          path: 'schema_version',
          message:
            'migrating the config from version 0 to 1 (rename trackers to boards) failed: trackers is not a list',
        },
      ],
    });
  });

  it('checks the registry order', () => {
    const m = (from: number, to: number): ConfigMigration => ({
      from,
      to,
      description: `${from}->${to}`,
      migrate: (r) => r,
    });
    expect(() => checkConfigMigrations([m(0, 1), m(1, 2)], 2)).not.toThrow();
    expect(() => checkConfigMigrations([m(0, 2)], 2)).toThrow(/each step must add 1/);
    expect(() => checkConfigMigrations([m(0, 1), m(2, 3)], 3)).toThrow(/starts at 2, but the one before it ends at 1/);
    expect(() => checkConfigMigrations([m(1, 2), m(0, 1)], 2)).toThrow(/starts at 0/);
    expect(() => checkConfigMigrations([m(0, 1)], 2)).toThrow(/end at version 1, but the current config version is 2/);
    expect(() => migrateConfig({ schema_version: 0 }, [m(0, 2)], 2)).toThrow();
  });
});
