import type { Problem } from '../../../shared/validation';

/** The config `schema_version` this build reads and writes. */
export const CURRENT_CONFIG_VERSION = 1;

/** A config as parsed from YAML or JSON, before validation. */
export type RawConfig = Record<string, unknown>;

/**
 * One step of config format change, from version `from` to `from + 1`. It gets
 * a private copy of the raw config and returns the new shape; the runner sets
 * `schema_version` afterwards, so a migration only moves fields.
 */
export interface ConfigMigration {
  from: number;
  to: number;
  description: string;
  migrate(raw: RawConfig): RawConfig;
}

/**
 * Every config migration, oldest first. Empty because version 1 is the first
 * format; a rename of a public key adds an entry here (and a note in the docs).
 */
export const CONFIG_MIGRATIONS: readonly ConfigMigration[] = [];

/**
 * Refuses a registry with gaps, overlaps, or an end that is not the current
 * version, so a bad merge fails loudly in tests instead of skipping a step.
 */
export function checkConfigMigrations(
  registry: readonly ConfigMigration[],
  current: number = CURRENT_CONFIG_VERSION,
): void {
  registry.forEach((m, i) => {
    if (m.to !== m.from + 1) {
      throw new Error(`config migration "${m.description}" goes from ${m.from} to ${m.to}; each step must add 1`);
    }
    const previous = registry[i - 1];
    if (previous && m.from !== previous.to) {
      throw new Error(
        `config migration "${m.description}" starts at ${m.from}, but the one before it ends at ${previous.to}`,
      );
    }
  });
  const last = registry[registry.length - 1];
  if (last && last.to !== current) {
    throw new Error(`config migrations end at version ${last.to}, but the current config version is ${current}`);
  }
}

export type MigrationResult =
  { ok: true; raw: RawConfig; from: number; to: number } | { ok: false; problems: Problem[] };

const isRecord = (v: unknown): v is RawConfig => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Brings a raw config up to the current version by applying each registered
 * step in order. The input is never modified. A config without
 * `schema_version`, or one newer than this build, is a problem rather than a
 * guess: silently reading a future format could drop settings the user relies on.
 * The registry is a parameter so tests can prove the mechanism before the first real migration exists.
 */
export function migrateConfig(
  raw: unknown,
  registry: readonly ConfigMigration[] = CONFIG_MIGRATIONS,
  current: number = CURRENT_CONFIG_VERSION,
): MigrationResult {
  checkConfigMigrations(registry, current);
  if (raw === null || raw === undefined) {
    return fail('(root)', `the config is empty; start it with "schema_version: ${current}"`);
  }
  if (!isRecord(raw)) {
    return fail('(root)', 'expected a mapping of settings (schema_version, boards, ownership, agents)');
  }
  const version = raw.schema_version;
  if (version === undefined) {
    return fail(
      'schema_version',
      `missing; add "schema_version: ${current}" (the current version) at the top of the config`,
    );
  }
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    return fail('schema_version', `expected a whole number, like ${current}`);
  }
  if (version > current) {
    return fail(
      'schema_version',
      `this config is version ${version}, but this Deckhand understands config versions up to ${current}. ` +
        'It was written for a newer Deckhand; upgrade Deckhand to use it.',
    );
  }
  const oldest = registry[0]?.from ?? current;
  if (version < oldest) {
    return fail(
      'schema_version',
      `version ${version} is older than any this Deckhand can migrate (oldest: ${oldest}, current: ${current})`,
    );
  }

  let migrated: RawConfig = structuredClone(raw);
  for (const step of registry) {
    if (step.from < version) continue;
    try {
      migrated = step.migrate(migrated);
    } catch (error) {
      return fail(
        'schema_version',
        `migrating the config from version ${step.from} to ${step.to} (${step.description}) failed: ${(error as Error).message}`,
      );
    }
    if (!isRecord(migrated)) {
      return fail('schema_version', `config migration ${step.from} → ${step.to} did not return a mapping`);
    }
    migrated = { ...migrated, schema_version: step.to };
  }
  return { ok: true, raw: migrated, from: version, to: current };
}

function fail(path: string, message: string): MigrationResult {
  return { ok: false, problems: [{ path, message }] };
}
