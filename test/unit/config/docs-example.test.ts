/**
 * docs/config.md must not drift from the schema. Its complete examples are
 * checked the way `deckhand check` checks a file, its invalid example must
 * print exactly the output shown under it, and every key and value the schema
 * accepts must be mentioned on the page.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { checkCommand } from '../../../src/main/cli/check';
import {
  SUPPORTED_BOARD_TYPES,
  checkConfigFile,
  COLUMN_ROLES,
  CONFLICT_POLICIES,
  configShape,
  DEFAULT_OWNERSHIP,
  loadConfigFile,
  OWNERS,
  OWNERSHIP_FIELDS,
  PROVIDER_TYPES,
  RESUME_ON,
  WORKFLOWS,
} from '../../../src/main/core/config';
import { POLICIES_BY_OWNER } from '../../../src/shared/ownership';

const DOC_PATH = resolve(__dirname, '../../../docs/config.md');
const DOC = readFileSync(DOC_PATH, 'utf8');

/** First line of a ```yaml block that is a whole config file. */
const COMPLETE_YAML = '# complete example';
/** Line just before a ```json block that is a whole config file (JSON has no comments). */
const COMPLETE_JSON = '<!-- complete example -->';
/** First line of a ```yaml block that is a broken config; the next block is `deckhand check`'s output for it. */
const INVALID_YAML = '# invalid example';

interface Block {
  lang: string;
  body: string;
  /** 1-based line of the opening fence, for failure messages. */
  line: number;
  /** The last non-empty line before the fence. */
  before: string;
}

function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: Block[] = [];
  let open: { lang: string; line: number; before: string; body: string[] } | undefined;
  let before = '';
  lines.forEach((text, i) => {
    if (open) {
      if (/^\s*```\s*$/.test(text)) {
        blocks.push({ lang: open.lang, body: open.body.join('\n') + '\n', line: open.line, before: open.before });
        open = undefined;
      } else {
        open.body.push(text);
      }
      return;
    }
    const fence = /^\s*```(\S*)/.exec(text);
    if (fence) open = { lang: fence[1] ?? '', line: i + 1, before, body: [] };
    else if (text.trim() !== '') before = text.trim();
  });
  if (open) throw new Error(`docs/config.md: the block opened on line ${open.line} is never closed`);
  return blocks;
}

const blocks = fencedBlocks(DOC);
const firstLine = (b: Block): string => b.body.split('\n')[0]?.trim() ?? '';
const completeYaml = blocks.filter((b) => b.lang === 'yaml' && firstLine(b) === COMPLETE_YAML);
const completeJson = blocks.filter((b) => b.lang === 'json' && b.before === COMPLETE_JSON);
const invalidYaml = blocks.filter((b) => b.lang === 'yaml' && firstLine(b) === INVALID_YAML);

const tmp = mkdtempSync(join(tmpdir(), 'deckhand-docs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function writeExample(block: Block, ext: string): string {
  const file = join(tmp, `config-md-line-${block.line}.${ext}`);
  writeFileSync(file, block.body);
  return file;
}

describe('docs/config.md complete examples', () => {
  it('has the full example, the minimal one and its JSON twin', () => {
    expect(completeYaml.length).toBeGreaterThanOrEqual(2);
    expect(completeJson.length).toBeGreaterThanOrEqual(1);
  });

  it.each(completeYaml.map((b) => [b.line, b] as const))('the YAML example at line %i is valid', (_line, block) => {
    const file = writeExample(block, 'yml');
    expect(checkConfigFile(file)).toEqual([]);
    expect(loadConfigFile(file).ok).toBe(true);
  });

  it.each(completeJson.map((b) => [b.line, b] as const))('the JSON example at line %i is valid', (_line, block) => {
    // `.json` is parsed as strict JSON, as Deckhand does for deckhand.json.
    expect(checkConfigFile(writeExample(block, 'json'))).toEqual([]);
  });

  it('the full example declares a local board, a Kanboard board, ownership and two agents', () => {
    const full = completeYaml
      .map((b) => loadConfigFile(writeExample(b, 'yml')))
      .find((r) => r.ok && r.config.agents.length >= 2);
    expect(full?.ok).toBe(true);
    if (!full?.ok) return;
    expect(full.config.boards.map((b) => b.type).sort()).toEqual(['kanboard', 'local']);
    expect(full.config.agents).toHaveLength(2);
    expect(full.config.boards.find((b) => b.type === 'kanboard')?.token).toBeDefined();
  });
});

describe('docs/config.md invalid example', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('shows exactly what `deckhand check` prints for it', async () => {
    expect(invalidYaml).toHaveLength(1);
    const bad = invalidYaml[0]!;
    const output = blocks[blocks.indexOf(bad) + 1];
    const [command, ...expected] = (output?.body ?? '').trimEnd().split('\n');
    const name = /^\$ deckhand check --config (\S+)$/.exec(command ?? '')?.[1];
    expect(name, 'the block after the invalid example starts with "$ deckhand check --config FILE"').toBeDefined();

    const dir = mkdtempSync(join(tmp, 'invalid-'));
    const file = join(dir, name!);
    writeFileSync(file, bad.body);
    let printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk);
      return true;
    });
    const code = await checkCommand(['--config', file]);
    vi.restoreAllMocks();

    expect(code).toBe(1);
    // The command echoes FILE as given; the docs show it run from the file's folder.
    const lines = printed
      .trimEnd()
      .split('\n')
      .map((line) => (line.startsWith(`${file}: `) ? `${name}${line.slice(file.length)}` : line));
    expect(lines).toEqual(expected);
  });
});

/** Every key the schema accepts, anywhere in the file, by walking zod's definitions. */
function schemaKeys(): Set<string> {
  const keys = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (schema: unknown): void => {
    if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
    seen.add(schema);
    const def = (schema as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return;
    if (def.type === 'object') {
      for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) {
        keys.add(key);
        walk(value);
      }
    }
    for (const child of ['innerType', 'in', 'out', 'element', 'valueType', 'schema']) walk(def[child]);
    if (Array.isArray(def.options)) def.options.forEach(walk);
  };
  walk(configShape);
  return keys;
}

describe('docs/config.md covers the schema', () => {
  const mentioned = (word: string): boolean => DOC.includes(`\`${word}\``) || DOC.includes(`\`${word}.`);

  it('mentions every key', () => {
    const keys = [...schemaKeys()];
    expect(keys).toEqual(expect.arrayContaining(['schema_version', 'boards', 'interval', 'assign_to', 'api_key']));
    expect(keys.filter((k) => !mentioned(k) && !DOC.includes(`.${k}\``))).toEqual([]);
  });

  it('mentions every allowed value', () => {
    const values = [
      ...SUPPORTED_BOARD_TYPES,
      ...COLUMN_ROLES,
      ...OWNERSHIP_FIELDS,
      ...OWNERS,
      ...CONFLICT_POLICIES,
      ...WORKFLOWS,
      ...PROVIDER_TYPES,
      ...RESUME_ON,
    ];
    expect(values.filter((v) => !mentioned(v))).toEqual([]);
  });

  it('gives the default ownership as the schema has it', () => {
    for (const field of OWNERSHIP_FIELDS) {
      const { owner, policy } = DEFAULT_OWNERSHIP[field];
      expect(DOC).toMatch(new RegExp(`^\\| \`${field}\` +\\| \`${owner}\` +\\| \`${policy}\` +\\|`, 'm'));
    }
  });

  it('lists the policies each owner allows', () => {
    for (const owner of OWNERS) {
      const row = POLICIES_BY_OWNER[owner].map((p) => `\`${p}\``).join(', ');
      expect(DOC).toMatch(new RegExp(`^\\| \`${owner}\` +\\| ${row} +\\|`, 'm'));
    }
  });
});

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    const heading = !inFence && /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      anchors.add(
        heading[1]!
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s_-]/gu, '')
          .replace(/\s/g, '-'),
      );
    }
  }
  return anchors;
}

describe('docs/config.md links', () => {
  it('point at headings that exist', () => {
    const broken: string[] = [];
    const links = [...DOC.matchAll(/\]\(([\w.-]*\.md)?#([^)]+)\)/g)];
    expect(links.length).toBeGreaterThan(10);
    for (const [, file, anchor] of links) {
      const target = file ? readFileSync(resolve(DOC_PATH, '..', file), 'utf8') : DOC;
      if (!anchorsOf(target).has(anchor!)) broken.push(`${file ?? ''}#${anchor}`);
    }
    expect(broken).toEqual([]);
  });
});
