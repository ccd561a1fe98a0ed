import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkConfigFile,
  configSchema,
  DEFAULT_OWNERSHIP,
  defaultConfig,
  loadConfigFile,
  parseConfigText,
  validateConfig,
} from '../../../src/main/core/config';

/** The example in design/config.md, verbatim (the fixture file is the same config, prettier-formatted). */
const CONFIG_MD_EXAMPLE = `
schema_version: 1
boards:
  - id: kb
    type: kanboard                         # kanboard | local | plane | linear | taiga | wekan | focalboard | notion | ...
    url: http://127.0.0.1:8088/jsonrpc.php
    project: Demo                          # name or id
    username: jsonrpc
    token: { keychain: kanboard-token }    # or { env: KANBOARD_TOKEN } on a server; never the secret itself
    webhook: { token: { env: KB_WEBHOOK_TOKEN } }     # optional: how deliveries are verified
    poll: { interval: 15s }
    columns: { working: "Work in progress", review: "Ready for Review", blocked: "Blocked — Needs Input" }
  - id: home
    type: local
ownership:                                 # the sync schema; these are the defaults
  title: human
  description: human
  assignee: human
  priority: human
  status: { owner: shared, policy: last-write-wins }
  labels: { owner: shared, policy: merge }
  agent_notes: ai
agents:
  - id: researcher
    role: researcher
    board: kb
    workflow: pickup                       # pickup | breakdown | digest; ask-human is available in every workflow
    routes: { labels: [needs-ai, needs-research], exclude_labels: [needs-human-review] }
    provider: { type: command, command: ["./agents/research.sh"], cwd: ".", timeout: 10m }
    on_done: { move_to: review }
  - id: planner
    board: kb
    workflow: breakdown
    routes: { labels: [epic] }
    provider: { type: openai, base_url: "http://127.0.0.1:11434/v1", model: "llama3.1", api_key: { keychain: ollama } }
  - id: secretary
    board: kb
    workflow: digest
    schedule: "0 9 * * *"
    digest: { assign_to: lead }
    provider: { type: anthropic, model: "claude-sonnet-4-5", api_key: { keychain: anthropic } }
`;

const FIXTURES = resolve(__dirname, '../../fixtures/config');
const fixture = (name: string): string => join(FIXTURES, name);

const tmp = mkdtempSync(join(tmpdir(), 'deckhand-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

describe('loadConfigFile', () => {
  it('accepts the example from design/config.md', () => {
    const result = loadConfigFile(fixture('example.yml'));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const { config } = result;
    expect(result.source).toBe(fixture('example.yml'));
    expect(config.boards.map((b) => b.id)).toEqual(['kb', 'home']);
    expect(config.boards[0]).toMatchObject({
      type: 'kanboard',
      project: 'Demo',
      token: { keychain: 'kanboard-token' },
      webhook: { token: { env: 'KB_WEBHOOK_TOKEN' } },
      poll: { interval: 15_000 },
      columns: { working: 'Work in progress', review: 'Ready for Review', blocked: 'Blocked — Needs Input' },
    });
    // The example spells out the defaults, so the two must agree.
    expect(config.ownership).toEqual(DEFAULT_OWNERSHIP);
    expect(config.agents.map((a) => [a.id, a.workflow, a.provider.type])).toEqual([
      ['researcher', 'pickup', 'command'],
      ['planner', 'breakdown', 'openai'],
      ['secretary', 'digest', 'anthropic'],
    ]);
    const researcher = config.agents[0]!;
    expect(researcher.provider).toEqual({
      type: 'command',
      command: ['./agents/research.sh'],
      // `cwd: "."` is the config file's folder, wherever serve was started.
      cwd: FIXTURES,
      timeout: 600_000,
    });
    expect(researcher.routes).toEqual({
      labels: ['needs-ai', 'needs-research'],
      columns: [],
      exclude_labels: ['needs-human-review'],
    });
    expect(researcher.concurrency).toBe(1);
    expect(config.agents[2]).toMatchObject({ schedule: '0 9 * * *', digest: { assign_to: 'lead' } });
  });

  it('accepts the design/config.md example verbatim, the same as the fixture', () => {
    const parsed = parseConfigText(CONFIG_MD_EXAMPLE, 'yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const result = validateConfig(parsed.raw, { baseDir: FIXTURES });
    const fromFile = loadConfigFile(fixture('example.yml'));
    expect(result.ok && fromFile.ok).toBe(true);
    if (result.ok && fromFile.ok) expect(result.config).toEqual(fromFile.config);
  });

  it('reads JSON and gives the same config as the YAML', () => {
    const json = loadConfigFile(fixture('example.json'));
    const yaml = loadConfigFile(fixture('example.yml'));
    expect(json.ok && yaml.ok).toBe(true);
    if (json.ok && yaml.ok) expect(json.config).toEqual(yaml.config);
  });

  it('reads JSON from a file with an unknown extension, since YAML is a superset', () => {
    const path = write('deckhand.conf', '{"schema_version": 1, "boards": [{"id": "home", "type": "local"}]}');
    expect(loadConfigFile(path).ok).toBe(true);
  });

  it('reports every mistake in a file, each with its path', () => {
    expect(checkConfigFile(fixture('two-mistakes.yml'))).toEqual([
      {
        path: 'boards[0].poll.interval',
        message:
          'invalid duration "15 minutes": write a number followed by ms, s, m, h or d, for example 500ms, 15s, 10m, 2h or 1h30m',
      },
      { path: 'agents[0].routes.labels', message: 'expected a list of strings' },
      {
        path: 'agents[0].routes',
        message: 'a pickup agent needs routes.labels or routes.columns to know which tasks are its own',
      },
    ]);
  });

  it('collects field errors and cross-field errors together', () => {
    const path = write(
      'mixed.yaml',
      [
        'schema_version: 1',
        'boards:',
        '  - { id: kb, type: kanboard, colour: blue, token: abc }',
        'agents:',
        '  - { id: a, board: nope, workflow: pickup, routes: { labels: [x] }, provider: { type: demo } }',
        '  - { id: a, board: kb, workflow: pickup, routes: { labels: [x] }, provider: { type: demo } }',
      ].join('\n'),
    );
    expect(checkConfigFile(path).map((p) => `${p.path}: ${p.message}`)).toEqual([
      'boards[0].url: required for a kanboard board: where its API lives',
      'boards[0].project: required for a kanboard board: its name or numeric id',
      'boards[0].token: secrets are never written in config; use { keychain: NAME } or { env: NAME }',
      'boards[0].colour: unknown key',
      'agents[0].board: unknown board "nope"; boards are: kb',
      'agents[1].id: duplicate agent id "a" (also agents[0])',
    ]);
  });

  it('reports a YAML syntax error with its line and column', () => {
    // Generated here rather than kept as a fixture, so prettier --check passes on the repo.
    const path = write(
      'bad-syntax.yml',
      [
        'schema_version: 1',
        'boards:',
        '  - id: home',
        '    type: local',
        'agents:',
        '  - id: researcher',
        '    board: home',
        '    routes: { labels: [needs-ai }',
      ].join('\n'),
    );
    const problems = checkConfigFile(path);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.path).toBe(`${path}:8:33`);
    expect(problems[0]!.message).toMatch(/^YAML syntax error: /);
  });

  it('treats a duplicate YAML key as an error, not a silent override', () => {
    const path = write('dup.yml', 'schema_version: 1\nboards: []\nboards:\n  - { id: home, type: local }\n');
    const problems = checkConfigFile(path);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(`${path}:3:1`);
    expect(problems[0]!.message).toMatch(/unique/i);
  });

  it('reports a JSON syntax error with its line and column', () => {
    const path = write('bad.json', '{\n  "schema_version": 1,\n  "boards": [\n}\n');
    const problems = checkConfigFile(path);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(`${path}:4:1`);
    expect(problems[0]!.message).toBe("JSON syntax error: unexpected '}'");
  });

  it('locates JSON mistakes that V8 reports without a position', () => {
    expect(parseConfigText('{"a": 1,}', 'json', 'c.json')).toEqual({
      ok: false,
      problems: [
        {
          path: 'c.json:1:9',
          message: 'JSON syntax error: Expected double-quoted property name in JSON at position 8',
        },
      ],
    });
    const truncated = parseConfigText('{\n  "a": 1', 'json', 'c.json');
    expect(truncated.ok || truncated.problems[0]!.path).toBe('c.json:2:9');
  });

  it('treats a duplicate JSON key as an error', () => {
    const result = parseConfigText('{\n  "a": 1,\n  "a": 2\n}', 'json', 'c.json');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]!.path).toBe('c.json:3:3');
      expect(result.problems[0]!.message).toMatch(/^JSON syntax error: .*unique/i);
    }
  });

  it('names a missing file', () => {
    const path = join(tmp, 'missing.yml');
    expect(loadConfigFile(path)).toEqual({
      ok: false,
      problems: [{ path, message: 'config file not found' }],
      source: path,
    });
  });

  it('names a folder given as a file', () => {
    expect(checkConfigFile(tmp)).toEqual([{ path: tmp, message: 'is a folder, not a config file' }]);
  });

  it('reports an empty file', () => {
    expect(checkConfigFile(write('empty.yml', '# nothing yet\n'))).toEqual([
      { path: '(root)', message: 'the config is empty; start it with "schema_version: 1"' },
    ]);
  });

  it('reports a missing schema_version before anything else', () => {
    expect(checkConfigFile(write('nover.yml', 'boards:\n  - { id: home, type: local }\n'))).toEqual([
      {
        path: 'schema_version',
        message: 'missing; add "schema_version: 1" (the current version) at the top of the config',
      },
    ]);
  });

  it('refuses a config from a newer Deckhand', () => {
    const problems = checkConfigFile(write('future.yml', 'schema_version: 7\nboards: []\n'));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('schema_version');
    expect(problems[0]!.message).toMatch(/understands config versions up to 1/);
  });

  it('resolves an absent or relative cwd against the config file', () => {
    const path = write(
      'cwd.yml',
      [
        'schema_version: 1',
        'boards: [{ id: home, type: local }]',
        'agents:',
        '  - { id: a, board: home, workflow: pickup, routes: { labels: [x] }, provider: { type: command, command: [run] } }',
        '  - { id: b, board: home, workflow: pickup, routes: { labels: [x] }, provider: { type: command, command: [run], cwd: sub } }',
        '  - { id: c, board: home, workflow: pickup, routes: { labels: [x] }, provider: { type: command, command: [run], cwd: /opt/x } }',
      ].join('\n'),
    );
    const result = loadConfigFile(path);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const cwds = result.config.agents.map((a) => (a.provider.type === 'command' ? a.provider.cwd : undefined));
    expect(cwds).toEqual([tmp, join(tmp, 'sub'), resolve('/opt/x')]);
  });
});

describe('parseConfigText', () => {
  it('ignores a byte-order mark', () => {
    expect(parseConfigText('\uFEFF{"a": 1}', 'json')).toEqual({ ok: true, raw: { a: 1 } });
    expect(parseConfigText('\uFEFFa: 1', 'yaml')).toEqual({ ok: true, raw: { a: 1 } });
  });

  it('supports YAML anchors for repeated settings', () => {
    const text = 'x: &p { type: demo }\ny: *p\n';
    expect(parseConfigText(text, 'yaml')).toEqual({ ok: true, raw: { x: { type: 'demo' }, y: { type: 'demo' } } });
  });
});

describe('defaultConfig', () => {
  it('is the built-in local board with default ownership and no agents', () => {
    const config = defaultConfig();
    expect(config).toEqual({
      schema_version: 1,
      boards: [{ id: 'local', type: 'local', name: 'Local board' }],
      ownership: DEFAULT_OWNERSHIP,
      agents: [],
    });
    expect(configSchema.safeParse(config).success).toBe(true);
  });

  it('returns a fresh copy each time', () => {
    const a = defaultConfig();
    a.ownership.title.owner = 'ai';
    a.boards.push({ id: 'x', type: 'local' });
    expect(defaultConfig().ownership.title.owner).toBe('human');
    expect(defaultConfig().boards).toHaveLength(1);
  });
});
