import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookRejected } from '../../../src/main/core/boards/contract/errors';
import { idForMarker } from '../../../src/main/core/boards/linear/ids';
import { normaliseMarkdown } from '../../../src/main/core/boards/linear/markdown';
import { startServer } from '../../../src/main/core/server/http-server';
import { startLinearFixture, type LinearFixture } from '../../boards/linear';
import { DEFAULT_STATES, linearMarkdown } from '../../fakes/linear';
import { rejection } from '../../helpers/board-errors';
import { useTempDirs } from '../../helpers/tmp';
import {
  EXAMPLE_AGENT,
  expectOneDigest,
  expectQuestionAnswered,
  plannerAndSecretary,
  startHarness,
} from '../agents/harness';

/** The Linear adapter on the fake Linear: what the conformance suite does not cover. */
const tempDir = useTempDirs();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function linear(...args: Parameters<typeof startLinearFixture>): Promise<LinearFixture> {
  const fx = await startLinearFixture(...args);
  cleanup.push(() => fx.stop());
  return fx;
}

const rootFields = (fx: LinearFixture) => fx.fake.stats.requestLog.map((r) => r.rootField);
const MUTATIONS = new Set(['issueCreate', 'issueUpdate', 'commentCreate', 'commentUpdate', 'issueLabelCreate']);
const writes = (fx: LinearFixture) => rootFields(fx).filter((f) => MUTATIONS.has(f));

/** What a person types in Linear's editor: `-` bullets, `_emphasis_`, bare brackets, an intraword `_`, a lone `*`. */
const TYPED =
  'Steps:\n\n- open the _settings_ page\n- set `retry_count` to 3 * 2\n\n1. first\n3. second\n\nSee [WIP] notes on snake_case keys, and [the spec](https://example.com/a_b).';

describe('linear adapter: Markdown as Linear rewrites it', () => {
  it("the fake stores Linear's rewrite, not what was typed; Deckhand reads both as the same text", async () => {
    const fx = await linear();
    const issue = await fx.fake.human('alice').createIssue({ title: 'Formatted', description: TYPED });
    const stored = fx.fake.store.issues.get(issue.id)!.description!;
    expect(stored).not.toBe(TYPED);
    expect(stored).toContain('* open the *settings* page');
    expect(stored).toContain('\\[WIP\\]');
    expect(stored).toContain('snake\\_case');
    expect(stored).toContain('3 \\* 2');
    expect(stored).toContain('2. second');
    const task = (await fx.adapter.getTask(issue.id))!;
    expect(task.description).toBe(normaliseMarkdown(TYPED));
    expect(task.description).toContain('See [WIP] notes on snake_case keys');
    expect(task.description).toContain('- open the _settings_ page');
  });

  it("writing back the person's text, or notes beside it, sends no description change and keeps the version", async () => {
    const fx = await linear();
    const issue = await fx.fake.human('alice').createIssue({ title: 'Formatted', description: TYPED });
    const task = (await fx.adapter.getTask(issue.id))!;
    fx.fake.resetStats();
    expect((await fx.adapter.updateTask(issue.id, { description: task.description })).version).toBe(task.version);
    expect((await fx.adapter.updateTask(issue.id, { description: TYPED })).version).toBe(task.version);
    expect(writes(fx)).toEqual([]);
    // Notes beside it: one update; the person's part of the description reads back exactly as before.
    const noted = await fx.adapter.updateTask(issue.id, { agentNotes: 'Checked `retry_count`:\n\n* it is 6' });
    expect(writes(fx)).toEqual(['issueUpdate']);
    expect(noted.description).toBe(task.description);
    expect(noted.agentNotes).toBe('Checked `retry_count`:\n\n- it is 6');
    const again = (await fx.adapter.getTask(issue.id))!;
    expect(again.version).toBe(noted.version);
    expect(fx.fake.store.issues.get(issue.id)!.description).toContain(linearMarkdown(TYPED));
  });

  it('Deckhand text written to Linear reads back as written (a comment too)', async () => {
    const fx = await linear();
    const task = await fx.adapter.createTask({
      fields: { title: 'T', description: TYPED },
      marker: 'dh-00000000000000000001',
    });
    expect(task.description).toBe(normaliseMarkdown(TYPED));
    const comment = await fx.adapter.addComment(task.id, 'Use [v2] and a_b * c', 'dh-00000000000000000002');
    expect(fx.fake.store.comments.get(comment.id)!.body).toBe('Use \\[v2\\] and a\\_b \\* c');
    expect(comment.body).toBe('Use [v2] and a_b * c');
    expect((await fx.adapter.listComments(task.id)).map((c) => c.body)).toEqual(['Use [v2] and a_b * c']);
  });

  it('a deliberate escape is kept: the normal form never turns literal text into Markdown', () => {
    for (const text of ['\\*not emphasis\\*', '\\[a\\](b)', '- \\[ \\] not a box', '\\# not a heading']) {
      expect(normaliseMarkdown(text)).toBe(text);
      expect(normaliseMarkdown(linearMarkdown(text))).toBe(text);
    }
  });
});

describe('linear adapter: deletions, idempotent creates', () => {
  it('a poll sees an issue moved to the trash as a deletion, in the same request', async () => {
    const fx = await linear();
    const person = fx.fake.human('alice');
    const keep = await person.createIssue({ title: 'Keep' });
    const gone = await person.createIssue({ title: 'Gone' });
    const first = await fx.adapter.listChangedSince(null);
    await person.deleteIssue(gone.id);
    fx.fake.resetStats();
    const page = await fx.adapter.listChangedSince(first.watermark);
    expect(page.deletedIds).toEqual([gone.id]);
    expect(page.tasks.map((t) => t.id)).not.toContain(gone.id);
    expect(fx.fake.stats.requests).toBe(1);
    // The deletion's time moved the watermark: once anything changes after it, it is not reported again.
    await new Promise((r) => setTimeout(r, 5));
    await person.update(keep.id, { title: 'Kept' });
    const next = await fx.adapter.listChangedSince(page.watermark);
    const later = await fx.adapter.listChangedSince(next.watermark);
    expect(later.deletedIds).toEqual([]);
    expect(later.tasks.map((t) => t.title)).toEqual(['Kept']);
    expect((await fx.adapter.listTasks()).map((t) => t.id)).toEqual([keep.id]);
  });

  it('a retried issueCreate whose first answer was lost cannot duplicate: Linear refuses the id, the first is returned', async () => {
    const fx = await linear();
    const marker = 'dh-0123456789abcdef0123';
    fx.fake.fail({ when: (r) => r.rootField === 'issueCreate', afterRun: true, status: 502, body: 'Bad Gateway' });
    expect((await rejection(fx.adapter.createTask({ fields: { title: 'Once' }, marker }))).kind).toBe('transient');
    const retried = await fx.adapter.createTask({ fields: { title: 'Once' }, marker });
    expect(retried.id).toBe(idForMarker(marker));
    expect(retried.marker).toBe(marker);
    expect([...fx.fake.store.issues.values()].filter((i) => i.title === 'Once')).toHaveLength(1);
    // The second create did reach Linear and was refused there, not skipped by the adapter.
    expect(fx.fake.stats.requestLog.filter((r) => r.rootField === 'issueCreate').map((r) => r.status)).toEqual([
      502, 400,
    ]);
    // Two at once with one marker (a retry racing the first): one issue, both answers name it.
    const [a, b] = await Promise.all([
      fx.adapter.createTask({ fields: { title: 'Race' }, marker: 'dh-0000000000000000beef' }),
      fx.adapter.createTask({ fields: { title: 'Race' }, marker: 'dh-0000000000000000beef' }),
    ]);
    expect(a.id).toBe(b.id);
    expect([...fx.fake.store.issues.values()].filter((i) => i.title === 'Race')).toHaveLength(1);
  });

  it('a retried commentCreate after a reset connection cannot duplicate either', async () => {
    const fx = await linear();
    const task = await fx.adapter.createTask({ fields: { title: 'Talk' }, marker: 'dh-00000000000000000010' });
    fx.fake.fail({ when: (r) => r.rootField === 'commentCreate', afterRun: true, destroy: true });
    expect((await rejection(fx.adapter.addComment(task.id, 'Hello', 'dh-00000000000000000011'))).kind).toBe(
      'transient',
    );
    const comment = await fx.adapter.addComment(task.id, 'Hello', 'dh-00000000000000000011');
    expect(comment.marker).toBe('dh-00000000000000000011');
    expect(fx.fake.store.issueComments(task.id)).toHaveLength(1);
    expect(rootFields(fx).filter((f) => f === 'commentCreate')).toHaveLength(2);
  });
});

describe('linear adapter: rate limits', () => {
  const RATELIMITED = JSON.stringify({
    errors: [
      {
        message: 'Rate limit exceeded',
        extensions: { type: 'ratelimited', code: 'RATELIMITED', statusCode: 429, userError: true },
      },
    ],
    data: null,
  });

  it("Linear's HTTP 400 RATELIMITED is rate_limited until the reset it names, and nothing is sent meanwhile", async () => {
    // Linear's own allowance for a personal key (the fixture's is huge, so other tests never meet it).
    const fx = await linear({}, { complexityPerHour: 250_000 });
    fx.fake.exhaustComplexity();
    const err = await rejection(fx.adapter.listChangedSince(null));
    expect(err.kind).toBe('rate_limited');
    expect(fx.fake.stats.requestLog.at(-1)).toMatchObject({ status: 400 });
    // The bucket was drained: Linear's X-RateLimit-Complexity-Reset is about an hour away.
    expect(err.retryAfterMs).toBeGreaterThan(50 * 60_000);
    const sent = fx.fake.stats.requests;
    const again = await rejection(fx.adapter.getTask(fx.fake.team.id));
    expect(again.kind).toBe('rate_limited');
    expect(fx.fake.stats.requests).toBe(sent);
  });

  it('a short RATELIMITED wait is waited out, then the request goes through', async () => {
    const fx = await linear();
    fx.fake.fail({
      status: 400,
      body: RATELIMITED,
      headers: { 'content-type': 'application/json', 'x-ratelimit-complexity-reset': String(Date.now() + 600) },
    });
    const err = await rejection(fx.adapter.listTasks());
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterMs).toBeGreaterThan(300);
    expect(err.retryAfterMs).toBeLessThanOrEqual(600);
    const started = Date.now();
    await fx.adapter.listTasks();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("the complexity budget is read from Linear's headers: each query charged its X-Complexity, and a nearly empty bucket holds requests back", async () => {
    const probe = await linear();
    const connectCost = probe.fake.stats.complexity;
    expect(connectCost).toBeGreaterThan(0);
    expect(probe.adapter.api.budget.spent).toBe(connectCost);
    await probe.adapter.listTasks();
    expect(probe.adapter.api.budget.spent).toBe(probe.fake.stats.complexity);

    // A key whose hourly points leave 500 after connecting: Linear's headers say so, and Deckhand stops asking.
    const fx = await linear({}, { complexityPerHour: connectCost + 500 });
    expect(fx.fake.stats.rateLimited).toBe(0);
    const sent = fx.fake.stats.requests;
    const err = await rejection(fx.adapter.listTasks());
    expect(err.kind).toBe('rate_limited');
    expect(err.message).toMatch(/complexity budget is spent/);
    expect(fx.fake.stats.requests).toBe(sent);
    expect(fx.fake.stats.rateLimited).toBe(0);
  });
});

describe('linear webhooks', () => {
  const SECRET = 'lin_wh_0123456789abcdef';
  const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');
  const delivery = (body: string, headers: Record<string, string | undefined>) => ({
    headers,
    query: new URLSearchParams(),
    rawBody: Buffer.from(body),
  });

  it('verifies Linear-Signature over the raw body and the webhookTimestamp window', async () => {
    const fx = await linear({ webhookSecret: SECRET });
    const issue = await fx.fake.human('alice').createIssue({ title: 'Hooked' });
    const body = (at: number, type = 'Issue') =>
      JSON.stringify(
        type === 'Issue'
          ? { action: 'update', type, data: { id: issue.id, teamId: fx.fake.team.id }, webhookTimestamp: at }
          : {
              action: 'create',
              type,
              data: { id: 'c1', issueId: issue.id, issue: { id: issue.id, teamId: fx.fake.team.id } },
              webhookTimestamp: at,
            },
      );
    const now = body(Date.now());
    const headers = { 'linear-signature': sign(now), 'linear-delivery': 'd-1' };
    expect(fx.adapter.verifyWebhook(delivery(now, headers))).toEqual({
      deliveryId: 'linear-d-1',
      event: 'Issue.update',
      kind: 'task',
      taskIds: [issue.id],
    });
    const comment = body(Date.now(), 'Comment');
    expect(fx.adapter.verifyWebhook(delivery(comment, { 'linear-signature': sign(comment) }))).toMatchObject({
      kind: 'comment',
      taskIds: [issue.id],
    });
    // A changed byte, another secret, no signature: refused.
    expect(() => fx.adapter.verifyWebhook(delivery(`${now} `, headers))).toThrow(WebhookRejected);
    expect(() => fx.adapter.verifyWebhook(delivery(now, { 'linear-signature': sign(now, 'other') }))).toThrow(
      /wrong Linear-Signature/,
    );
    expect(() => fx.adapter.verifyWebhook(delivery(now, {}))).toThrow(/missing Linear-Signature/);
    // Correctly signed but two minutes old (a replay): refused by the timestamp window.
    const old = body(Date.now() - 120_000);
    expect(() => fx.adapter.verifyWebhook(delivery(old, { 'linear-signature': sign(old) }))).toThrow(
      /timestamp is 120 s off/,
    );
    // Another team's issue names no task.
    const foreign = now.replace(fx.fake.team.id, '99999999-2222-4333-8444-555555555555');
    expect(fx.adapter.verifyWebhook(delivery(foreign, { 'linear-signature': sign(foreign) })).taskIds).toEqual([]);
  });

  it("the fake's own deliveries verify, and Deckhand's listener refuses a forged one", async () => {
    const fx = await linear({}, { states: STATES });
    const { harness } = await served(fx, []);
    const server = await startServer(harness.core, { host: '127.0.0.1', port: 0, staticDir: tempDir() });
    cleanup.push(() => server.close());
    fx.fake.setWebhook({ url: `${server.url}/webhooks/ln`, secret: HOOK_SECRET });
    await fx.fake.human('alice').createIssue({ title: 'Hooked' });
    await fx.fake.flushWebhooks();
    expect(fx.fake.deliveries.map((d) => d.status)).toEqual([202]);
    const forged = fx.fake.deliveries[0]!.body;
    const res = await fetch(`${server.url}/webhooks/ln`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'linear-signature': sign(forged, 'guessed') },
      body: forged,
    });
    expect(res.status).toBe(401);
  });
});

/** Linear's default workflow plus a Blocked state (started), as a team adds in its settings. */
const STATES = [
  ...DEFAULT_STATES.slice(0, 4),
  { name: 'Blocked', type: 'started' as const },
  ...DEFAULT_STATES.slice(4),
];
const COLUMNS = { working: 'In Progress', review: 'In Review', blocked: 'Blocked' };
const HOOK_SECRET = 'lin_wh_deckhand_test_secret';

/** Deckhand (the harness's core) with the fake's board: the key and the webhook secret in the keychain. */
async function served(
  fx: LinearFixture,
  agents: Parameters<typeof startHarness>[0]['agents'],
  extra: { settings?: Record<string, unknown>; config?: Record<string, unknown>; poll?: string } = {},
) {
  const harness = await startHarness({
    dir: tempDir(),
    agents,
    ...(extra.settings ? { settings: extra.settings } : {}),
    keychain: { 'linear-key': fx.fake.apiKey, 'linear-hook': HOOK_SECRET },
    config: {
      boards: [
        {
          ...fx.configEntry,
          token: { keychain: 'linear-key' },
          webhook: { secret: { keychain: 'linear-hook' } },
          poll: { interval: extra.poll ?? '10m' },
          columns: COLUMNS,
        },
      ],
      ...extra.config,
    },
  });
  cleanup.push(() => harness.close());
  return { harness };
}

/** As `served`, with Deckhand's HTTP listener and Linear's webhook posting to it: after the first listing only webhooks bring changes. */
async function withWebhooks(
  agents: Parameters<typeof startHarness>[0]['agents'],
  extra: { settings?: Record<string, unknown>; config?: Record<string, unknown> } = {},
) {
  const fx = await linear({}, { states: STATES });
  const { harness } = await served(fx, agents, extra);
  const server = await startServer(harness.core, { host: '127.0.0.1', port: 0, staticDir: tempDir() });
  cleanup.push(() => server.close());
  fx.fake.setWebhook({ url: `${server.url}/webhooks/ln`, secret: HOOK_SECRET });
  await new Promise((r) => setTimeout(r, 300));
  return { fx, harness };
}

const pickup = [
  {
    id: 'coder',
    board: 'ln',
    workflow: 'pickup' as const,
    routes: { labels: ['needs-ai'] },
    provider: { type: 'command', command: EXAMPLE_AGENT },
  },
];

describe('linear through deckhand', () => {
  it("pickup (command agent), woken by signed webhooks: the notes and the move land; Linear's rewrite of the person's text is no edit and starts no echo", async () => {
    const { fx, harness } = await withWebhooks(pickup);
    const person = fx.fake.human('alice');
    const issue = await person.createIssue({ title: 'Check the cache', description: TYPED, state: 'Todo' });
    await person.update(issue.id, { labels: ['needs-ai'] });
    const run = await harness.runIn({ taskId: issue.id }, ['done', 'failed'], 30_000);
    expect(run.state).toBe('done');
    await fx.fake.flushWebhooks();
    expect(fx.fake.deliveries.length).toBeGreaterThan(0);
    expect(fx.fake.deliveries.every((d) => d.status === 202 || d.status === 200)).toBe(true);
    const done = (await fx.adapter.getTask(issue.id))!;
    expect(done.status).toBe('In Review');
    expect(done.agentNotes).toContain('Read "Check the cache"');
    expect(done.description).toBe(normaliseMarkdown(TYPED));
    expect(fx.fake.store.issues.get(issue.id)!.description!.startsWith(linearMarkdown(TYPED))).toBe(true);

    // Deckhand's own writes come back as webhooks and polls: nothing is taken for a person's edit, nothing is re-sent.
    fx.fake.resetStats();
    const runner = harness.core.engine.runner('ln');
    await runner.poll();
    await runner.fullReconcile();
    await fx.fake.flushWebhooks();
    await harness.core.agents.whenIdle();
    expect(writes(fx)).toEqual([]);
    const log = await harness.call('listLog', { limit: 1000, filter: { boardId: 'ln', taskId: issue.id } });
    const entries = log.value.entries as { action: string; actor: string; field?: string }[];
    const humanChanges = entries.filter((e) => e.action === 'field.changed' && e.actor === 'human');
    expect(humanChanges.filter((e) => e.field === 'description' || e.field === 'agentNotes')).toEqual([]);
    expect(entries.filter((e) => e.action === 'field.written' && e.field === 'description')).toEqual([]);
    expect(harness.runs({ taskId: issue.id })).toHaveLength(1);
  });

  it("ask a person: the question is one comment; the answer, written from Deckhand's own Linear account, resumes the run through the comment webhook", async () => {
    const { fx, harness } = await withWebhooks(pickup, {
      settings: { answerPollMs: 600_000 },
      config: { agent_defaults: { resume_on: 'answer' } },
    });
    // The solo developer: the same Linear account as Deckhand's API key.
    const me = fx.fake.human('deckhand');
    expect(me.user.id).toBe(fx.fake.bot.id);
    const issue = await me.createIssue({
      title: 'Pick a region',
      description: 'ask: Which region do we deploy to?',
      labels: ['needs-ai'],
      state: 'Todo',
    });
    await expectQuestionAnswered(harness, fx.adapter, {
      taskId: issue.id,
      blocked: 'Blocked',
      answerText: 'eu-central-1',
      answer: () => me.comment(issue.id, 'eu-central-1'),
    });
    // Question and answer share one author: the account Deckhand's key belongs to.
    const comments = fx.fake.store.issueComments(issue.id);
    expect(comments.every((c) => c.userId === fx.fake.bot.id)).toBe(true);
  });

  it('breakdown and digest: subtasks created once as sub-issues (a lost create answer included), one digest issue assigned to a person', async () => {
    const fx = await linear({}, { states: STATES });
    const { harness } = await served(fx, plannerAndSecretary('ln', 'alice'), { poll: '2s' });
    // Linear makes the first subtask but its answer is lost: the retry with the same id must find it.
    fx.fake.fail({
      when: (r) => r.rootField === 'issueCreate' && r.body.includes('Parse the CSV'),
      afterRun: true,
      status: 502,
      body: 'Bad Gateway',
    });
    const epic = await fx.fake.human('alice').createIssue({
      title: 'Ship the importer',
      description: 'Plan:\n- Parse the CSV (3h)\n- Map columns to fields (1d)',
      labels: ['epic'],
    });
    const run = await harness.runIn({ taskId: epic.id }, ['done', 'failed'], 30_000);
    expect(run.outcome).toMatch(/^completed; 2 subtask\(s\) created/);
    const children = () => [...fx.fake.store.issues.values()].filter((i) => i.parentId === epic.id);
    expect(
      children()
        .map((c) => c.title)
        .sort(),
    ).toEqual(['Map columns to fields', 'Parse the CSV']);
    expect((await fx.adapter.getTask(epic.id))!.agentNotes).toContain('Subtasks (2');
    await harness.core.engine.runner('ln').fullReconcile();
    await harness.core.agents.whenIdle();
    expect(children()).toHaveLength(2);

    await expectOneDigest(harness, (id) => fx.adapter.getTask(id), 'alice');
  });
});
