import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parseDocument, type YAMLError } from 'yaml';
import type { Problem } from '../../../shared/validation';
import { problemsFromZod } from '../../../shared/validation';
import type { ConfigMigration } from './migrate';
import { CONFIG_MIGRATIONS, CURRENT_CONFIG_VERSION, migrateConfig } from './migrate';
import type { DeckhandConfig } from './schema';
import { configErrorMap, configSchema, configShape, crossFieldProblems } from './schema';

/** What `AppState.configSource` says when no `--config` was given. */
export const EMBEDDED_DEFAULT_SOURCE = 'embedded default';

export type ConfigFormat = 'yaml' | 'json';

/** `.json` is parsed strictly as JSON; everything else as YAML, which also reads JSON. */
export function formatForPath(path: string): ConfigFormat {
  return extname(path).toLowerCase() === '.json' ? 'json' : 'yaml';
}

export type ParseResult = { ok: true; raw: unknown } | { ok: false; problems: Problem[] };

function lineColumn(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

/**
 * V8 words JSON errors in a few ways, and not all carry a position. Where none
 * does, the YAML parser (JSON is YAML) usually locates the same mistake.
 */
function jsonSyntaxProblem(source: string, message: string, label: string): Problem {
  const at = /\(line (\d+) column (\d+)\)/.exec(message);
  const position = /at position (\d+)/.exec(message);
  let where: { line: number; col: number } | undefined;
  if (at) where = { line: Number(at[1]), col: Number(at[2]) };
  else if (position) where = lineColumn(source, Number(position[1]));
  else if (/end of JSON input/.test(message)) where = lineColumn(source, source.length);
  else where = parseDocument(source).errors[0]?.linePos?.[0];
  // "Unexpected token '}', ...<a slice of the file>... is not valid JSON": drop the slice, it may hold anything.
  const token = /^Unexpected token '(.+?)', .* is not valid JSON$/s.exec(message);
  const clean = token ? `unexpected '${token[1]}'` : message.replace(/\s*\(line \d+ column \d+\)/, '');
  return { path: where ? `${label}:${where.line}:${where.col}` : label, message: `JSON syntax error: ${clean}` };
}

function yamlProblem(error: YAMLError, source: string, label: string, kind: 'YAML' | 'JSON'): Problem {
  const pos = error.linePos?.[0] ?? lineColumn(source, error.pos[0]);
  return { path: `${label}:${pos.line}:${pos.col}`, message: `${kind} syntax error: ${error.message}` };
}

/**
 * Parses config text, reporting syntax errors as problems located at
 * `file:line:column` so an editor can jump there. YAML duplicate keys are
 * errors too: the second one would silently win otherwise.
 */
export function parseConfigText(text: string, format: ConfigFormat, label = 'config'): ParseResult {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (format === 'json') {
    let raw: unknown;
    try {
      raw = JSON.parse(source) as unknown;
    } catch (error) {
      return { ok: false, problems: [jsonSyntaxProblem(source, (error as Error).message, label)] };
    }
    // JSON.parse keeps the last of two equal keys without a word; find them like YAML does.
    const duplicates = parseDocument(source, { uniqueKeys: true }).errors.filter((e) => e.code === 'DUPLICATE_KEY');
    if (duplicates.length > 0)
      return { ok: false, problems: duplicates.map((e) => yamlProblem(e, source, label, 'JSON')) };
    return { ok: true, raw };
  }
  const doc = parseDocument(source, { prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => yamlProblem(error, source, label, 'YAML')),
    };
  }
  return { ok: true, raw: doc.toJS() as unknown };
}

export interface ValidateOptions {
  /** Folder that relative paths in the config (a command's `cwd`) are relative to. */
  baseDir?: string;
  /** Migration registry; tests pass their own. */
  migrations?: readonly ConfigMigration[];
}

export type ValidationResult =
  { ok: true; config: DeckhandConfig; migratedFrom: number } | { ok: false; problems: Problem[] };

/**
 * Migrates and validates a parsed config, collecting every problem: all field
 * errors and all cross-field errors together, so one `deckhand check` run
 * shows the whole list instead of one mistake per attempt.
 */
export function validateConfig(raw: unknown, options: ValidateOptions = {}): ValidationResult {
  const migrated = migrateConfig(raw, options.migrations ?? CONFIG_MIGRATIONS, CURRENT_CONFIG_VERSION);
  if (!migrated.ok) return migrated;
  const parsed = configShape.safeParse(migrated.raw, { error: configErrorMap });
  const problems = [...(parsed.success ? [] : problemsFromZod(parsed.error)), ...crossFieldProblems(migrated.raw)];
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  const config = parsed.data;
  if (options.baseDir !== undefined) {
    const baseDir = options.baseDir;
    for (const agent of config.agents) {
      if (agent.provider.type === 'command') agent.provider.cwd = resolve(baseDir, agent.provider.cwd ?? '.');
    }
  }
  return { ok: true, config, migratedFrom: migrated.from };
}

export type LoadResult =
  | { ok: true; config: DeckhandConfig; source: string; migratedFrom: number }
  | { ok: false; problems: Problem[]; source: string };

/**
 * Reads, parses, migrates and validates a config file, synchronously: it runs
 * once at startup, before anything else could use the event loop. Never throws for a bad
 * file: every failure, a missing file included, comes back as problems, which
 * is what `deckhand check` prints and `serve` refuses to start with.
 * A command provider's `cwd` comes back absolute, resolved against the file's
 * folder (the file's folder when absent), so `serve` behaves the same from any
 * working directory.
 */
export function loadConfigFile(path: string, options: Omit<ValidateOptions, 'baseDir'> = {}): LoadResult {
  const source = resolve(path);
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'config file not found'
        : code === 'EISDIR'
          ? 'is a folder, not a config file'
          : code === 'EACCES'
            ? 'permission denied reading the config file'
            : `cannot read the config file: ${(error as Error).message}`;
    return { ok: false, problems: [{ path, message }], source };
  }
  const parsed = parseConfigText(text, formatForPath(path), path);
  if (!parsed.ok) return { ok: false, problems: parsed.problems, source };
  const result = validateConfig(parsed.raw, { ...options, baseDir: dirname(source) });
  return result.ok ? { ...result, source } : { ok: false, problems: result.problems, source };
}

/** Every problem with a config file, for `deckhand check`; an empty list means it is valid. */
export function checkConfigFile(path: string): Problem[] {
  const result = loadConfigFile(path);
  return result.ok ? [] : result.problems;
}

/**
 * The config `serve` runs on without `--config`: the built-in local board, the
 * default ownership, and no agents (onboarding adds them). Built through the
 * schema so it can never drift from what a file would produce.
 */
export function defaultConfig(): DeckhandConfig {
  return configSchema.parse({
    schema_version: CURRENT_CONFIG_VERSION,
    boards: [{ id: 'local', type: 'local', name: 'Local board' }],
  });
}
