import { describe, expect, it } from 'vitest';
import {
  cronProblem,
  DEFAULT_OWNERSHIP,
  defaultOwnership,
  parseDuration,
  validateConfig,
} from '../../../src/main/core/config';
import type { Problem } from '../../../src/shared/validation';

/** A small valid config; tests break one thing at a time. */
function base(): Record<string, unknown> {
  return {
    schema_version: 1,
    boards: [
      {
        id: 'kb',
        type: 'kanboard',
        url: 'http://127.0.0.1:8088/jsonrpc.php',
        project: 'Demo',
        token: { keychain: 'kanboard-token' },
      },
      { id: 'home', type: 'local' },
    ],
    agents: [
      {
        id: 'researcher',
        board: 'kb',
        workflow: 'pickup',
        routes: { labels: ['needs-ai'] },
        provider: { type: 'command', command: ['./agents/research.sh'], timeout: '10m' },
      },
    ],
  };
}

function problems(raw: unknown): Problem[] {
  const result = validateConfig(raw);
  return result.ok ? [] : result.problems;
}

function lines(raw: unknown): string[] {
  return problems(raw).map((p) => `${p.path}: ${p.message}`);
}

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['1s', 1_000],
    ['15s', 15_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    [' 15s ', 15_000],
    ['0s', 0],
  ])('parses %j as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '15', 's', '15 s', '10 minutes', '10M', '1w', '-5s', '30m1h', '1h1h', '5ms10s', '1.s', 'abc'])(
    'rejects %j with a message that shows the accepted form',
    (text) => {
      expect(() => parseDuration(text)).toThrow(/duration/);
    },
  );

  it('explains the format', () => {
    expect(() => parseDuration('10 minutes')).toThrow(
      'invalid duration "10 minutes": write a number followed by ms, s, m, h or d, for example 500ms, 15s, 10m, 2h or 1h30m',
    );
  });
});

describe('cronProblem', () => {
  it.each([
    '0 9 * * *',
    '*/15 * * * *',
    '5-59/15 * * * *',
    '0 9 * * mon-fri',
    '0 0 1 jan,jul *',
    '30 8-18/2 * * 1-5',
    '0 0 * * 7',
  ])('accepts %j', (expr) => {
    expect(cronProblem(expr)).toBeUndefined();
  });

  it.each([
    ['0 9 * *', /expected 5 fields/],
    ['0 9 * * * *', /expected 5 fields/],
    ['60 9 * * *', /minute field: 60 is outside 0-59/],
    ['0 24 * * *', /hour field: 24 is outside 0-23/],
    ['0 9 0 * *', /day of month field/],
    ['0 9 * 13 *', /month field/],
    ['0 9 * * 8', /day of week field/],
    ['0 9 * * fri-mon', /runs backwards/],
    ['*/0 * * * *', /step/],
    ['nine * * * *', /not a number/],
    // Both passed the field checks once, then stopped `deckhand serve` at start or never fired.
    ['5/15 * * * *', /minute field: "5\/15": a step needs a range, like "5-59\/15"/],
    ['0 9 31 2 *', /never matches a real date/],
  ])('rejects %j', (expr, message) => {
    expect(cronProblem(expr)).toMatch(message);
  });
});

describe('config schema', () => {
  it('accepts the base config', () => {
    expect(lines(base())).toEqual([]);
  });

  it('names an unknown key by its path', () => {
    const raw = base();
    (raw.boards as Record<string, unknown>[])[0]!.colour = 'blue';
    raw.agnets = [];
    expect(lines(raw)).toEqual(['boards[0].colour: unknown key', 'agnets: unknown key']);
  });

  it('rejects an unknown column role', () => {
    const raw = base();
    (raw.boards as Record<string, unknown>[])[0]!.columns = { reveiw: 'Ready for Review' };
    expect(lines(raw)).toEqual(['boards[0].columns.reveiw: unknown key']);
  });

  it('refuses a secret written as plain text, without echoing it', () => {
    const raw = base();
    (raw.boards as Record<string, unknown>[])[0]!.token = 'hunter2-secret';
    const found = lines(raw);
    expect(found).toEqual([
      'boards[0].token: secrets are never written in config; use { keychain: NAME } or { env: NAME }',
    ]);
    expect(found.join('\n')).not.toContain('hunter2');
  });

  it.each([
    [{}, 'expected { keychain: NAME } or { env: NAME }'],
    [{ keychain: 'a', env: 'B' }, 'give either keychain or env, not both'],
    [{ env: 'not a var' }, 'expected an environment variable name, like KANBOARD_TOKEN'],
  ])('checks secret reference %j', (token, message) => {
    const raw = base();
    (raw.boards as Record<string, unknown>[])[0]!.token = token;
    expect(problems(raw)).toContainEqual({ path: expect.stringMatching(/^boards\[0\]\.token/), message });
  });

  it('requires an anthropic api_key as a secret reference', () => {
    const raw = base();
    (raw.agents as Record<string, unknown>[])[0]!.provider = { type: 'anthropic', model: 'claude', api_key: 'sk-123' };
    expect(lines(raw)).toEqual([
      'agents[0].provider.api_key: secrets are never written in config; use { keychain: NAME } or { env: NAME }',
    ]);
    (raw.agents as Record<string, unknown>[])[0]!.provider = { type: 'anthropic', model: 'claude' };
    expect(lines(raw)[0]).toMatch(/^agents\[0\]\.provider\.api_key: required; secrets are never written/);
  });

  it('reports a bad duration at its path', () => {
    const raw = base();
    (raw.boards as Record<string, unknown>[])[0]!.poll = { interval: '15 minutes' };
    (raw.agents as Record<string, { provider: Record<string, unknown> }>)[0]!.provider.timeout = 600;
    expect(lines(raw)).toEqual([
      'boards[0].poll.interval: invalid duration "15 minutes": write a number followed by ms, s, m, h or d, for example 500ms, 15s, 10m, 2h or 1h30m',
      'agents[0].provider.timeout: expected a duration with a unit, like 15s, 10m or 2h (a bare number has no unit)',
    ]);
  });

  it('parses durations to milliseconds', () => {
    const raw = base();
    (raw.boards as Record<string, unknown>[])[0]!.poll = { interval: '15s' };
    const result = validateConfig(raw);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.boards[0]!.poll?.interval).toBe(15_000);
    const provider = result.config.agents[0]!.provider;
    expect(provider.type === 'command' && provider.timeout).toBe(600_000);
  });

  it('rejects a zero duration', () => {
    const raw = base();
    (raw.boards as Record<string, unknown>[])[0]!.poll = { interval: '0s' };
    expect(lines(raw)).toEqual(['boards[0].poll.interval: must be longer than zero']);
  });

  it.each(['1ms', '999ms', '24h1ms', '2d'])('rejects a poll interval of %j, naming the range', (interval) => {
    const raw = base();
    (raw.boards as Record<string, unknown>[])[0]!.poll = { interval };
    expect(lines(raw)).toEqual(['boards[0].poll.interval: must be between 1s and 24h']);
  });

  it('takes a board request budget, and names the range for a bad one', () => {
    const raw = base();
    const board = (raw.boards as Record<string, unknown>[])[0]!;
    board.poll = { requests_per_minute: 6000 };
    const ok = validateConfig(raw);
    expect(ok.ok && ok.config.boards[0]!.poll?.requests_per_minute).toBe(6000);
    for (const bad of [0, 5, 100_001, 12.5, '600']) {
      board.poll = { interval: '15s', requests_per_minute: bad };
      expect(lines(raw)).toEqual([
        expect.stringMatching(
          /^boards\[0\]\.poll\.requests_per_minute: (must be a whole number of requests between 6 and 100,000|.*expected number.*)$/,
        ),
      ]);
    }
  });

  it.each([
    ['1s', 1_000],
    ['2s', 2_000],
    ['24h', 86_400_000],
  ])('accepts a poll interval of %j at or inside the range', (interval, ms) => {
    const raw = base();
    (raw.boards as Record<string, unknown>[])[0]!.poll = { interval };
    const result = validateConfig(raw);
    expect(result.ok && result.config.boards[0]!.poll?.interval).toBe(ms);
  });

  it.each([0, -1, 65, 100_000_000, 1.5])('rejects concurrency %j, naming the range', (concurrency) => {
    const raw = base();
    (raw.agents as Record<string, unknown>[])[0]!.concurrency = concurrency;
    expect(lines(raw)).toEqual(['agents[0].concurrency: must be a whole number between 1 and 64']);
  });

  it.each([1, 64])('accepts concurrency %j', (concurrency) => {
    const raw = base();
    (raw.agents as Record<string, unknown>[])[0]!.concurrency = concurrency;
    const result = validateConfig(raw);
    expect(result.ok && result.config.agents[0]!.concurrency).toBe(concurrency);
  });

  it('names the unknown board and lists the known ones', () => {
    const raw = base();
    (raw.agents as Record<string, unknown>[])[0]!.board = 'x';
    expect(lines(raw)).toEqual(['agents[0].board: unknown board "x"; boards are: kb, home']);
  });

  it('rejects duplicate board and agent ids', () => {
    const raw = base();
    (raw.boards as unknown[]).push({ id: 'kb', type: 'local' });
    const agents = raw.agents as Record<string, unknown>[];
    agents.push({ ...agents[0]! });
    expect(lines(raw)).toEqual([
      'boards[2].id: duplicate board id "kb" (also boards[0])',
      'agents[1].id: duplicate agent id "researcher" (also agents[0])',
    ]);
  });

  it('says what is wrong with a project id 0, a bad env name and a Kanboard webhook secret', () => {
    const raw = base();
    const board = (raw.boards as Record<string, unknown>[])[0]!;
    Object.assign(board, { project: 0, webhook: { secret: { env: 'KB_SECRET' } } });
    const provider = (raw.agents as Record<string, Record<string, unknown>>[])[0]!.provider!;
    provider.env = { '1X': 'a' };
    expect(lines(raw)).toEqual([
      'boards[0].project: a numeric project id is 1 or more',
      'boards[0].webhook.secret: Kanboard sends a token, not a signature: put its webhook token in webhook.token',
      'agents[0].provider.env.1X: expected an environment variable name, like KANBOARD_TOKEN',
    ]);
  });

  it("checks each board entry with its type's own schema: what kanboard needs, what local refuses, an http url", () => {
    const raw = base();
    raw.boards = [
      { id: 'kb', type: 'kanboard' },
      { id: 'kb2', type: 'kanboard', url: 'ftp://kanboard.example', project: 1, token: { env: 'KB_TOKEN' } },
      { id: 'home', type: 'local', url: 'http://localhost' },
    ];
    expect(lines(raw)).toEqual([
      'boards[0].url: required for a kanboard board: where its API lives',
      'boards[0].project: required for a kanboard board: its name or numeric id',
      'boards[0].token: required for a kanboard board: its API token, as { keychain: NAME } or { env: VARIABLE }',
      'boards[1].url: expected an http:// or https:// URL',
      "boards[2].url: a local board lives in Deckhand's database and takes no url",
    ]);
  });

  it('accepts a focalboard board, and names what a focalboard entry lacks or gets wrong', () => {
    const raw = base();
    raw.agents = [];
    raw.boards = [
      {
        id: 'fb',
        type: 'focalboard',
        url: 'http://localhost:8000',
        board: 'Roadmap',
        token: { keychain: 'deckhand-focalboard' },
        properties: { status: 'Status', labels: 'Tags', agent_notes: 'Agent notes' },
      },
      { id: 'f2', type: 'focalboard', url: 'https://focalboard.example' },
      { id: 'f3', type: 'focalboard', url: 'x', board: 'B', token: 'pasted', properties: { state: 'S' } },
    ];
    expect(lines(raw)).toEqual([
      "boards[1].board: required for a focalboard board: the board's id (as in its URL) or its title",
      'boards[1].token: required for a focalboard board: a session token of the user Deckhand acts as, as { keychain: NAME } or { env: VARIABLE }',
      'boards[2].url: expected an http:// or https:// URL',
      'boards[2].token: secrets are never written in config; use { keychain: NAME } or { env: NAME }',
      'boards[2].properties.state: unknown key',
    ]);
  });

  it('accepts a plane board, and names what a plane entry lacks or must not have', () => {
    const raw = base();
    raw.agents = [];
    raw.boards = [
      { id: 'pl', type: 'plane', workspace: 'acme', project: 'DEMO', token: { env: 'PLANE_KEY' } },
      {
        id: 'p2',
        type: 'plane',
        url: 'https://plane.example',
        token: { env: 'PLANE_KEY' },
        webhook: { token: { env: 'X' } },
      },
    ];
    expect(lines(raw)).toEqual([
      "boards[1].workspace: required for a plane board: the workspace's slug, as in its URL",
      'boards[1].project: required for a plane board: its identifier (DEMO) or UUID',
      'boards[1].webhook.token: Plane signs its webhooks: put the webhook secret (plane_wh_…) in webhook.secret',
    ]);
  });

  it('accepts a taiga board, and names what a taiga entry lacks or must not have', () => {
    const raw = base();
    raw.agents = [];
    raw.boards = [
      {
        id: 'tg',
        type: 'taiga',
        url: 'https://taiga.example',
        project: 'me-demo',
        username: 'me',
        password: { keychain: 'taiga-password' },
        webhook: { key: { env: 'TAIGA_WEBHOOK_KEY' } },
      },
      { id: 't2', type: 'taiga', url: 'taiga.example', password: 'hunter2', webhook: { secret: { env: 'X' } } },
    ];
    expect(lines(raw)).toEqual([
      'boards[1].url: expected an http:// or https:// URL',
      "boards[1].project: required for a taiga board: the project's slug (as in its URL) or its id",
      'boards[1].username: required for a taiga board: the Taiga user Deckhand logs in as',
      expect.stringMatching(/^boards\[1\]\.password: .*keychain/),
      "boards[1].webhook.secret: Taiga calls it the webhook's key: put it in webhook.key",
    ]);
  });

  it('rejects an unknown board type and lists the known ones', () => {
    const raw = base();
    (raw.boards as Record<string, unknown>[])[1]!.type = 'trello';
    expect(lines(raw)).toEqual([
      'boards[1].type: expected one of: local, kanboard, plane, taiga, linear, notion, wekan, focalboard, got "trello"',
    ]);
  });

  it('says "expected a list of strings" for a label given as a string', () => {
    const raw = base();
    (raw.agents as Record<string, unknown>[])[0]!.routes = { labels: 'needs-ai' };
    // The pickup agent also has no usable routes now, and says so.
    expect(lines(raw)).toEqual([
      'agents[0].routes.labels: expected a list of strings',
      'agents[0].routes: a pickup agent needs routes.labels or routes.columns to know which tasks are its own',
    ]);
  });

  it('rejects a label that both routes and excludes', () => {
    const raw = base();
    (raw.agents as Record<string, unknown>[])[0]!.routes = { labels: ['a', 'b'], exclude_labels: ['c', 'b'] };
    expect(lines(raw)).toEqual([
      'agents[0].routes.exclude_labels[1]: "b" is also in routes.labels; a label cannot both route and exclude',
    ]);
  });

  it('checks providers by type', () => {
    const raw = base();
    const agents = raw.agents as Record<string, unknown>[];
    agents[0]!.provider = { type: 'command', command: './agents/research.sh' };
    agents.push(
      { id: 'a2', board: 'kb', workflow: 'pickup', routes: { labels: ['x'] }, provider: { type: 'gpt' } },
      { id: 'a3', board: 'kb', workflow: 'pickup', routes: { labels: ['x'] }, provider: { model: 'm' } },
      {
        id: 'a4',
        board: 'kb',
        workflow: 'pickup',
        routes: { labels: ['x'] },
        provider: { type: 'command', command: [] },
      },
      {
        id: 'a5',
        board: 'kb',
        workflow: 'pickup',
        routes: { labels: ['x'] },
        provider: { type: 'openai', model: 'm' },
      },
      { id: 'a6', board: 'kb', workflow: 'pickup', routes: { labels: ['x'] }, provider: { type: 'demo', model: 'm' } },
    );
    expect(lines(raw)).toEqual([
      'agents[0].provider.command: expected a list: the program and its arguments, like ["./agents/research.sh", "--fast"]',
      'agents[1].provider.type: unknown provider type; expected one of: command, openai, anthropic, demo, mcp',
      'agents[2].provider.type: required; one of: command, openai, anthropic, demo, mcp',
      'agents[3].provider.command: must name the program to run',
      'agents[4].provider.base_url: required',
      'agents[5].provider.model: unknown key',
    ]);
  });

  it('accepts an MCP agent with its token as a secret reference, workflow defaulting to pickup', () => {
    const raw = base();
    const agents = raw.agents as Record<string, unknown>[];
    agents.splice(0, agents.length, {
      id: 'coder',
      board: 'kb',
      routes: { labels: ['needs-ai'] },
      provider: { type: 'mcp', token: { env: 'DECKHAND_MCP_CODER' } },
    });
    const result = validateConfig(raw);
    expect(lines(raw)).toEqual([]);
    expect(result.ok && result.config.agents[0]).toMatchObject({ workflow: 'pickup', provider: { type: 'mcp' } });
  });

  it('names what an MCP agent lacks: a token as a secret, routes, and no digest', () => {
    const raw = base();
    const agents = raw.agents as Record<string, unknown>[];
    agents.splice(
      0,
      agents.length,
      { id: 'm1', board: 'kb', routes: { labels: ['x'] }, provider: { type: 'mcp' } },
      { id: 'm2', board: 'kb', routes: { labels: ['x'] }, provider: { type: 'mcp', token: 'plain-secret' } },
      { id: 'm3', board: 'kb', provider: { type: 'mcp', token: { keychain: 't' } } },
      { id: 'm4', board: 'kb', workflow: 'digest', provider: { type: 'mcp', token: { keychain: 't' } } },
    );
    const found = lines(raw);
    expect(found.some((l) => l.startsWith('agents[0].provider.token: required'))).toBe(true);
    expect(found.some((l) => l.startsWith('agents[1].provider.token:'))).toBe(true);
    expect(found.join('\n')).not.toContain('plain-secret');
    expect(found).toContain(
      'agents[2].routes: a pickup agent needs routes.labels or routes.columns to know which tasks are its own',
    );
    expect(found.some((l) => l.startsWith('agents[3].workflow: an MCP agent works tasks'))).toBe(true);
  });

  it('accepts command env values as strings or secret references', () => {
    const raw = base();
    const provider = (raw.agents as Record<string, { provider: Record<string, unknown> }>)[0]!.provider;
    provider.env = { MODE: 'fast', API_KEY: { keychain: 'agent-key' } };
    expect(lines(raw)).toEqual([]);
    provider.env = { MODE: 3 };
    expect(lines(raw)).toEqual([
      'agents[0].provider.env.MODE: expected a string, or a secret as { keychain: NAME } or { env: NAME }',
    ]);
  });

  it('validates schedule, digest, concurrency and budget', () => {
    const raw = base();
    const agents = raw.agents as Record<string, unknown>[];
    agents[0]!.schedule = '0 9 * * *';
    agents[0]!.concurrency = 0;
    agents[0]!.budget = { runs_per_day: 2.5, tokens_per_week: 1 };
    agents.push({
      id: 'secretary',
      board: 'kb',
      workflow: 'digest',
      schedule: '0 25 * * *',
      digest: { assign_to: 'lead' },
      provider: { type: 'demo' },
    });
    expect(lines(raw)).toEqual([
      'agents[0].concurrency: must be a whole number between 1 and 64',
      'agents[0].budget.runs_per_day: expected a whole number, got a number',
      'agents[0].budget.tokens_per_week: unknown key',
      'agents[1].schedule: invalid cron schedule: hour field: 25 is outside 0-23',
      "agents[0].schedule: only used by workflow: digest (this agent's workflow is pickup)",
    ]);
  });

  it('rejects an unknown workflow and a missing board', () => {
    const raw = base();
    const agent = (raw.agents as Record<string, unknown>[])[0]!;
    agent.workflow = 'review';
    delete agent.board;
    expect(lines(raw)).toEqual([
      'agents[0].board: required',
      'agents[0].workflow: expected one of: pickup, breakdown, digest, got "review"',
    ]);
  });

  it('requires at least one board', () => {
    expect(lines({ schema_version: 1, boards: [] })[0]).toMatch(/^boards: declare at least one board/);
    expect(lines({ schema_version: 1 })).toEqual(['boards: required']);
  });

  it('rejects ids that cannot be used in a URL', () => {
    const raw = base();
    (raw.boards as Record<string, unknown>[])[1]!.id = 'My Board';
    (raw.agents as Record<string, unknown>[])[0]!.board = 'My Board';
    expect(lines(raw)).toEqual([
      'boards[1].id: expected a short id: lowercase letters, digits, "-" or "_" (like "kb")',
    ]);
  });
});

describe('ownership', () => {
  it('defaults to the sync.md table', () => {
    expect(DEFAULT_OWNERSHIP).toEqual({
      title: { owner: 'human', policy: 'human-wins' },
      description: { owner: 'human', policy: 'human-wins' },
      assignee: { owner: 'human', policy: 'human-wins' },
      priority: { owner: 'human', policy: 'human-wins' },
      status: { owner: 'shared', policy: 'last-write-wins' },
      labels: { owner: 'shared', policy: 'merge' },
      agent_notes: { owner: 'ai', policy: 'agent-wins' },
      due_date: { owner: 'human', policy: 'human-wins' },
    });
    expect(Object.isFrozen(DEFAULT_OWNERSHIP)).toBe(true);
    const copy = defaultOwnership();
    copy.title.owner = 'ai';
    expect(DEFAULT_OWNERSHIP.title.owner).toBe('human');
  });

  it('fills fields left out with defaults and expands shorthands', () => {
    const result = validateConfig({
      ...base(),
      ownership: { priority: 'shared', status: { owner: 'shared', policy: 'ask' } },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.ownership.priority).toEqual({ owner: 'shared', policy: 'last-write-wins' });
    expect(result.config.ownership.status).toEqual({ owner: 'shared', policy: 'ask' });
    expect(result.config.ownership.title).toEqual({ owner: 'human', policy: 'human-wins' });
  });

  it('allows merge only for labels, and names the path', () => {
    const raw = {
      ...base(),
      ownership: {
        labels: { owner: 'shared', policy: 'merge' },
        status: { owner: 'shared', policy: 'merge' },
        title: 'robot',
        colour: 'human',
        priority: { owner: 'human', policy: 'loudest-wins' },
      },
    };
    expect(lines(raw)).toEqual([
      'ownership.title.owner: expected one of: human, ai, shared',
      'ownership.priority.policy: expected one of: last-write-wins, human-wins, agent-wins, merge, ask',
      'ownership.status.policy: merge is only valid for labels (a set); for status use one of: last-write-wins, human-wins, agent-wins, ask',
      'ownership.colour: unknown key',
    ]);
  });

  it('allows only the policies that fit the owner, as the engine does', () => {
    const raw = {
      ...base(),
      ownership: {
        title: { owner: 'human', policy: 'agent-wins' },
        agent_notes: { owner: 'ai', policy: 'ask' },
        labels: { owner: 'human', policy: 'merge' },
      },
    };
    expect(lines(raw)).toEqual([
      'ownership.title.policy: a field owned by human settles conflicts with human-wins or ask, not agent-wins',
      'ownership.labels.policy: a field owned by human settles conflicts with human-wins or ask, not merge',
    ]);
  });
});

describe('agent runtime settings', () => {
  const llm = { type: 'openai', base_url: 'http://127.0.0.1:11434/v1', model: 'llama3.1' };

  it('are all optional: the defaults live in the runtime', () => {
    const result = validateConfig(base());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.agent_defaults).toBeUndefined();
    const agent = result.config.agents[0]!;
    expect([agent.resume_on, agent.question_timeout, agent.claim_stale_after]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('parses agent_defaults, per-agent keys and LLM timeout/stream, durations in milliseconds', () => {
    const raw = base();
    raw.agent_defaults = { resume_on: 'answer', question_timeout: '4h', claim_stale_after: '30m' };
    const agents = raw.agents as Record<string, unknown>[];
    Object.assign(agents[0]!, { resume_on: 'answer_and_move', question_timeout: '1h30m', claim_stale_after: '3h' });
    agents.push(
      { id: 'planner', board: 'kb', workflow: 'breakdown', routes: { labels: ['epic'] }, provider: { ...llm } },
      {
        id: 'writer',
        board: 'kb',
        workflow: 'pickup',
        routes: { labels: ['copy'] },
        provider: { ...llm, timeout: '120s', stream: true, price: { input: 0.15, output: 0.6 } },
      },
      {
        id: 'claude',
        board: 'kb',
        workflow: 'pickup',
        routes: { labels: ['hard'] },
        provider: {
          type: 'anthropic',
          model: 'claude',
          api_key: { keychain: 'anthropic' },
          timeout: '2m',
          stream: false,
        },
      },
    );
    const result = validateConfig(raw);
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    expect(result.config.agent_defaults).toEqual({
      resume_on: 'answer',
      question_timeout: 14_400_000,
      claim_stale_after: 1_800_000,
    });
    expect(result.config.agents[0]).toMatchObject({
      resume_on: 'answer_and_move',
      question_timeout: 5_400_000,
      claim_stale_after: 10_800_000,
    });
    expect(result.config.agents[1]!.provider).not.toHaveProperty('timeout');
    expect(result.config.agents[1]!.provider).not.toHaveProperty('stream');
    expect(result.config.agents[2]!.provider).toMatchObject({
      timeout: 120_000,
      stream: true,
      price: { input: 0.15, output: 0.6 },
    });
    expect(result.config.agents[3]!.provider).toMatchObject({ timeout: 120_000, stream: false });
  });

  it('names each bad value by its path', () => {
    const raw = base();
    raw.agent_defaults = { resume_on: 'move', question_timeout: 3600, claim_stale_after: '0s', retries: 2 };
    const agents = raw.agents as Record<string, unknown>[];
    Object.assign(agents[0]!, { resume_on: true, question_timeout: 'tomorrow' });
    const provider = agents[0]!.provider as Record<string, unknown>;
    provider.stream = true; // a command does not stream
    agents.push({
      id: 'writer',
      board: 'kb',
      workflow: 'pickup',
      routes: { labels: ['copy'] },
      provider: { ...llm, timeout: '2 minutes', stream: 'yes', price: { input: -1, output: '15', per: 'token' } },
    });
    expect(lines(raw)).toEqual([
      'agent_defaults.resume_on: expected one of: answer, answer_and_move, got "move"',
      'agent_defaults.question_timeout: expected a duration with a unit, like 15s, 10m or 2h (a bare number has no unit)',
      'agent_defaults.claim_stale_after: must be longer than zero',
      'agent_defaults.retries: unknown key',
      'agents[0].provider.stream: unknown key',
      'agents[0].resume_on: expected one of: answer, answer_and_move',
      'agents[0].question_timeout: invalid duration "tomorrow": write a number followed by ms, s, m, h or d, for example 500ms, 15s, 10m, 2h or 1h30m',
      'agents[1].provider.timeout: invalid duration "2 minutes": write a number followed by ms, s, m, h or d, for example 500ms, 15s, 10m, 2h or 1h30m',
      'agents[1].provider.stream: expected true or false, got text',
      'agents[1].provider.price.input: must be 0 or more',
      'agents[1].provider.price.output: expected a number, got text',
      'agents[1].provider.price.per: unknown key',
    ]);
  });

  it('are refused on a digest agent, which claims no task and waits for no answer', () => {
    const raw = base();
    (raw.agents as Record<string, unknown>[]).push({
      id: 'secretary',
      board: 'kb',
      workflow: 'digest',
      resume_on: 'answer',
      claim_stale_after: '1h',
      provider: { type: 'demo' },
    });
    expect(lines(raw)).toEqual([
      'agents[1].resume_on: not used by workflow: digest (a digest agent claims no task and waits for no answer)',
      'agents[1].claim_stale_after: not used by workflow: digest (a digest agent claims no task and waits for no answer)',
    ]);
  });
});
