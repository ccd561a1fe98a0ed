import { afterEach, describe, expect, it, vi } from 'vitest';
import { TaigaAdapter, type TaigaAdapterOptions } from '../../../src/main/core/boards/taiga/adapter';
import { startServer } from '../../../src/main/core/server/http-server';
import { startTaigaFixture, TAIGA_PASSWORD, type TaigaFixture } from '../../boards/taiga';
import type { FakeTaigaOptions, FaultRequest } from '../../fakes/taiga';
import { useTempDirs } from '../../helpers/tmp';
import { EXAMPLE_AGENT, expectOneDigest, plannerAndSecretary, startHarness } from '../agents/harness';
import { rejection } from '../../helpers/board-errors';

/** The Taiga adapter on the fake Taiga: what the conformance suite does not cover. */
const tempDir = useTempDirs();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
  vi.unstubAllEnvs();
});

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const REFRESH = 'POST /api/v1/auth/refresh';
const LOGIN = 'POST /api/v1/auth';

async function taiga(...args: Parameters<typeof startTaigaFixture>): Promise<TaigaFixture> {
  const fx = await startTaigaFixture(...args);
  cleanup.push(() => fx.stop());
  return fx;
}

/** An adapter that judges token expiry by the fake server's clock, so `fake.advanceClock` is time passing for both. */
async function taigaOnServerClock(fakeOptions: FakeTaigaOptions = {}): Promise<TaigaFixture> {
  let serverNow = Date.now;
  const fx = await taiga({ now: () => serverNow() }, fakeOptions);
  serverNow = () => fx.fake.nowMs();
  return fx;
}

const fourStories = (humanCreate: TaigaFixture['humanCreate'], fake: TaigaFixture['fake']): Promise<string[]> =>
  Promise.all(['a', 'b', 'c', 'd'].map((title) => humanCreate(fake.human('alice'), { title })));

/** Reads the stories in parallel, as the engine and the agents may. */
const titles = async (adapter: TaigaAdapter, ids: string[]): Promise<string[]> =>
  (await Promise.all(ids.map((id) => adapter.getTask(id)))).map((t) => t!.title);

const isStoryPatch = (r: FaultRequest, id: string): boolean =>
  r.method === 'PATCH' && r.path === `/api/v1/userstories/${id}`;

describe('taiga adapter: login', () => {
  it('renews the access token with the refresh token shortly before it expires, never meeting a 401', async () => {
    const { adapter, fake } = await taigaOnServerClock();
    fake.resetStats();
    fake.advanceClock(DAY - 4 * MINUTE);
    await adapter.listTasks();
    expect(fake.stats.byPath[REFRESH]).toBe(1);
    expect(fake.stats.byPath[LOGIN]).toBeUndefined();
    // Past the first token's expiry the renewed one is in use.
    fake.advanceClock(2 * 3600_000);
    await adapter.listTasks();
    expect(fake.stats.byPath[REFRESH]).toBe(1);
    expect(fake.stats.authFailures).toBe(0);
  });

  it('a short-lived token (a Taiga set to 2 minutes) is renewed near its end, not before every request', async () => {
    const { adapter, fake } = await taigaOnServerClock({ accessTokenTtlMs: 2 * MINUTE });
    fake.resetStats();
    await adapter.listTasks();
    await adapter.listTasks();
    expect(fake.stats.byPath[REFRESH]).toBeUndefined();
    fake.advanceClock(100_000);
    await adapter.listTasks();
    await adapter.listTasks();
    expect(fake.stats.byPath[REFRESH]).toBe(1);
    expect(fake.stats.authFailures).toBe(0);
  });

  it('a server clock a day behind ours: its tokens look expired here but are used until a 401, not renewed per request', async () => {
    const { fake } = await taiga();
    fake.advanceClock(-(DAY + MINUTE));
    const adapter = new TaigaAdapter({
      boardId: 'x',
      url: fake.url,
      project: fake.projectSlug,
      username: 'admin',
      password: TAIGA_PASSWORD,
    });
    await adapter.connect();
    fake.resetStats();
    await adapter.listTasks();
    await adapter.listTasks();
    expect(fake.stats.requestLog.map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  it('a token the server already counts as expired (its clock jumped): the 401 is followed by a new login and the read succeeds', async () => {
    const { adapter, fake, humanCreate } = await taiga();
    const id = await humanCreate(fake.human('alice'), { title: 'Still readable' });
    fake.resetStats();
    fake.advanceClock(DAY + MINUTE);
    expect((await adapter.getTask(id))!.title).toBe('Still readable');
    expect(fake.stats.requestLog.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 401', 'POST 200', 'GET 200']);
    expect(fake.stats.byPath[LOGIN]).toBe(1);
  });

  it('requests in parallel at renewal time share one refresh', async () => {
    const { adapter, fake, humanCreate } = await taigaOnServerClock();
    const ids = await fourStories(humanCreate, fake);
    fake.resetStats();
    fake.advanceClock(DAY - 4 * MINUTE);
    expect(await titles(adapter, ids)).toEqual(['a', 'b', 'c', 'd']);
    expect(fake.stats.byPath[REFRESH]).toBe(1);
    expect(fake.stats.authFailures).toBe(0);
  });

  it('requests in parallel that all meet a 401 share one new login', async () => {
    const { adapter, fake, humanCreate } = await taiga();
    const ids = await fourStories(humanCreate, fake);
    fake.resetStats();
    fake.advanceClock(DAY + MINUTE);
    expect(await titles(adapter, ids)).toEqual(['a', 'b', 'c', 'd']);
    expect(fake.stats.authFailures).toBe(4);
    expect(fake.stats.byPath[LOGIN]).toBe(1);
  });

  it('a refresh token that expired is not sent: Deckhand logs in again with the password', async () => {
    const { adapter, fake } = await taigaOnServerClock({ refreshTokenTtlMs: DAY / 2 });
    fake.resetStats();
    fake.advanceClock(DAY - 4 * MINUTE);
    await adapter.listTasks();
    expect(fake.stats.byPath[REFRESH]).toBeUndefined();
    expect(fake.stats.byPath[LOGIN]).toBe(1);
    expect(fake.stats.authFailures).toBe(0);
  });

  it('a refresh token Taiga refuses (revoked, rotated elsewhere): Deckhand logs in again with the password', async () => {
    const { adapter, fake } = await taigaOnServerClock();
    fake.fail({
      when: (r) => r.path === '/api/v1/auth/refresh',
      status: 401,
      headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="api"' },
      body: '{"detail": "Token is invalid or expired", "code": "token_not_valid"}',
    });
    fake.resetStats();
    fake.advanceClock(DAY - 4 * MINUTE);
    await adapter.listTasks();
    expect(fake.stats.requestLog.map((r) => `${r.method} ${new URL(r.url, fake.url).pathname} ${r.status}`)).toEqual([
      'POST /api/v1/auth/refresh 401',
      'POST /api/v1/auth 200',
      'GET /api/v1/userstories 200',
    ]);
  });

  it('a wrong password is auth, naming the user and what to check, without the password', async () => {
    const { fake } = await taiga();
    const options: TaigaAdapterOptions = {
      boardId: 'x',
      url: fake.url,
      project: fake.projectSlug,
      username: 'alice',
      password: 'not-her-password',
    };
    const denied = await rejection(new TaigaAdapter(options).connect());
    expect(denied.kind).toBe('auth');
    expect(denied.message).toContain('No active account found with the given credentials');
    expect(denied.message).toContain('check the username and password for alice');
    expect(denied.message).not.toContain('not-her-password');
  });
});

describe('taiga adapter: writes and reads', () => {
  it("a person's edit landing between Deckhand's read and its PATCH: the write is re-based on it, nothing is lost", async () => {
    const { adapter, fake, humanCreate, humanEdit } = await taiga();
    const alice = fake.human('alice');
    const id = await humanCreate(alice, { title: 'Fix login', description: 'It fails.' });
    let edited = false;
    fake.fail({
      // The hook runs as the PATCH arrives: the person saves first (the store changes at once).
      when: (r) => {
        if (edited || !isStoryPatch(r, id)) return false;
        edited = true;
        void humanEdit(alice, id, { title: 'Fix login on Safari', description: 'It fails on Safari.' });
        return true;
      },
      delayMs: 1,
    });
    fake.resetStats();
    const written = await adapter.updateTask(id, { agentNotes: 'Found the cause: a stale cookie.' });
    expect(fake.stats.requestLog.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([400, 200]);
    expect(written).toMatchObject({
      title: 'Fix login on Safari',
      description: 'It fails on Safari.',
      agentNotes: 'Found the cause: a stale cookie.',
    });
    expect(await adapter.getTask(id)).toMatchObject(written);
  });

  it('a person moving the card while Deckhand moves it: Taiga refuses the stale move, the retry lands on top', async () => {
    const { adapter, fake, humanCreate } = await taiga();
    const alice = fake.human('alice');
    const id = await humanCreate(alice, { title: 'Ship it' });
    const inProgress = fake.store.statuses.find((s) => s.name === 'In progress')!.id;
    let moved = false;
    fake.fail({
      when: (r) => {
        if (moved || !isStoryPatch(r, id)) return false;
        moved = true;
        // One save in the web UI: the card dragged and a tag added.
        fake.store.updateStory(Number(id), { status: inProgress, tags: ['urgent'] }, alice.user, { occ: false });
        return true;
      },
      delayMs: 1,
    });
    fake.resetStats();
    const written = await adapter.updateTask(id, { status: 'Ready for test' });
    expect(fake.stats.requestLog.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([400, 200]);
    expect(written.status).toBe('Ready for test');
    expect(written.labels).toEqual(['urgent']);
  });

  it('a member who joined after Deckhand connected: a story assigned to them reads their name, and Deckhand can assign them', async () => {
    const { adapter, fake, humanCreate } = await taiga();
    const id = await humanCreate(fake.human('alice'), { title: 'Onboard Dave' });
    fake.store.addUser({ username: 'dave', password: TAIGA_PASSWORD });
    await fake.human('alice').assign(Number(id), 'dave');
    expect((await adapter.getTask(id))!.assignee).toBe('dave');
    const other = await humanCreate(fake.human('alice'), { title: 'Review Dave' });
    expect((await adapter.updateTask(other, { assignee: 'dave' })).assignee).toBe('dave');
  });

  it('a story still assigned to someone who left the project reads the project again once, not on every read', async () => {
    const { adapter, fake, humanCreate } = await taiga();
    const id = await humanCreate(fake.human('alice'), { title: 'Left behind', assignee: 'carol' });
    const carol = fake.store.userByName('carol')!.id;
    fake.store.project.memberIds = fake.store.project.memberIds.filter((m) => m !== carol);
    await adapter.connect();
    fake.resetStats();
    for (let i = 0; i < 3; i++) await adapter.getTask(id);
    expect(fake.stats.byPath['GET /api/v1/projects/by_slug']).toBe(1);
  });

  it('429 from a throttled Taiga is rate_limited with the wait of X-Throttle-Wait-Seconds', async () => {
    // Connecting read the project: one of the two reads a minute is gone.
    const { adapter, fake } = await taiga({}, { throttle: { 'user-read': '2/minute' } });
    await adapter.listTasks();
    const limited = await rejection(adapter.listTasks());
    expect(limited.kind).toBe('rate_limited');
    expect(fake.stats.throttled).toBe(1);
    const waited = fake.stats.requestLog.at(-1)!;
    expect(waited.status).toBe(429);
    // The wait is the header's whole seconds: about a minute after the first read.
    expect(limited.retryAfterMs! % 1000).toBe(0);
    expect(limited.retryAfterMs).toBeGreaterThan(50_000);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it("a comment a person posts from Deckhand's own account is theirs (no marker); Deckhand's own carries its marker", async () => {
    const { adapter, fake, humanCreate } = await taiga();
    const admin = fake.human('admin');
    const id = await humanCreate(admin, { title: 'Pick a region' });
    await adapter.addComment(id, 'Question from agent: which region?', 'q-1');
    await admin.comment(Number(id), 'eu-central-1');
    const comments = await adapter.listComments(id);
    expect(comments.map((c) => [c.author, c.body, c.marker])).toEqual([
      ['admin', 'Question from agent: which region?', 'q-1'],
      ['admin', 'eu-central-1', null],
    ]);
  });
});

/** The board entry Deckhand serves, its password and webhook key from the environment. */
function servedBoardEntry(fx: TaigaFixture, extra: Record<string, unknown>): Record<string, unknown> {
  vi.stubEnv('TAIGA_PASSWORD', TAIGA_PASSWORD);
  vi.stubEnv('TAIGA_WEBHOOK_KEY', 'taiga_wh_key');
  return {
    ...fx.configEntry,
    password: { env: 'TAIGA_PASSWORD' },
    webhook: { key: { env: 'TAIGA_WEBHOOK_KEY' } },
    // A stock Taiga's review column; no conventional name matches it.
    columns: { review: 'Ready for test' },
    ...extra,
  };
}

/**
 * Deckhand with a pickup agent on the fake Taiga, the project's webhook pointed at Deckhand's listener,
 * polling slow: once the first listing has run, only webhooks bring changes in quickly.
 */
async function pickupWithWebhooks(extra: {
  settings?: Record<string, unknown>;
  config?: Record<string, unknown>;
  fake?: FakeTaigaOptions;
}) {
  const fx = await taiga({}, extra.fake);
  const harness = await startHarness({
    dir: tempDir(),
    agents: [
      {
        id: 'coder',
        board: 'tg',
        workflow: 'pickup',
        routes: { labels: ['needs-ai'] },
        provider: { type: 'command', command: EXAMPLE_AGENT },
      },
    ],
    ...(extra.settings ? { settings: extra.settings } : {}),
    config: { boards: [servedBoardEntry(fx, { poll: { interval: '10m' } })], ...extra.config },
  });
  cleanup.push(() => harness.close());
  const server = await startServer(harness.core, { host: '127.0.0.1', port: 0, staticDir: tempDir() });
  cleanup.push(() => server.close());
  fx.fake.addWebhook(`${server.url}/webhooks/tg`, 'taiga_wh_key');
  await new Promise((r) => setTimeout(r, 300));
  return { fx, harness };
}

const accepted = (fx: TaigaFixture): number =>
  fx.fake.deliveries.filter((d) => d.status !== undefined && d.status >= 200 && d.status < 300).length;

describe('taiga through deckhand', () => {
  it('pickup (command agent) on Taiga, with signed webhooks: a person tags a story, the notes and the move land', async () => {
    const { fx, harness } = await pickupWithWebhooks({});
    const admin = fx.fake.human('admin');
    const story = await admin.createStory({ subject: 'Check the cache', description: 'Why is it stale?' });
    await admin.setTags(story.id, ['needs-ai']);
    const run = await harness.runIn({ taskId: String(story.id) }, ['done', 'failed'], 30_000);
    expect(run.state).toBe('done');
    await fx.fake.flushWebhooks();
    expect(accepted(fx)).toBeGreaterThan(0);
    expect(fx.fake.deliveries.filter((d) => d.status !== undefined && d.status >= 300)).toEqual([]);
    const done = (await fx.adapter.getTask(String(story.id)))!;
    expect(done.status).toBe('Ready for test');
    expect(done.agentNotes).toContain('Read "Check the cache"');
    expect(done.description).toBe('Why is it stale?');
  });

  it("ask a human on Taiga: the question is one comment; an answer from Deckhand's own account resumes the run at once", async () => {
    // Answer polling off, board polling slow: only the comment webhook can wake the run.
    const { fx, harness } = await pickupWithWebhooks({
      settings: { answerPollMs: 600_000 },
      config: { agent_defaults: { resume_on: 'answer' } },
      // As a Taiga without Celery: each webhook is sent inside the request that caused it, Deckhand's own included.
      fake: { webhookMode: 'sync' },
    });
    // The solo developer: the same Taiga account Deckhand logs in as.
    const admin = fx.fake.human('admin');
    const story = await admin.createStory({
      subject: 'Pick a region',
      description: 'ask: Which region do we deploy to?',
      tags: ['needs-ai'],
    });
    const id = String(story.id);
    const waiting = await harness.runIn({ taskId: id }, ['waiting-for-human'], 30_000);
    const questions = async (): Promise<string[]> =>
      (await fx.adapter.listComments(id)).map((c) => c.body).filter((b) => b.startsWith('Question from agent'));
    expect(await questions()).toEqual([expect.stringContaining('Which region do we deploy to?')]);

    await admin.comment(story.id, 'eu-central-1');
    const done = await harness.runIn({ runId: waiting.id }, ['done', 'failed'], 10_000);
    expect(done).toMatchObject({ state: 'done', answer: 'eu-central-1' });
    expect((await fx.adapter.getTask(id))!.agentNotes).toContain('eu-central-1');
    expect(await questions()).toHaveLength(1);
  });

  it('breakdown and digest on Taiga: subtasks created once (a lost create answer included), one digest story assigned to a member', async () => {
    const fx = await taiga();
    const harness = await startHarness({
      dir: tempDir(),
      agents: plannerAndSecretary('tg', 'alice'),
      config: { boards: [servedBoardEntry(fx, { poll: { interval: '2s' } })] },
    });
    cleanup.push(() => harness.close());
    // Taiga makes the first subtask but its answer is lost: the engine's retry must find it by its marker.
    fx.fake.fail({ when: (r) => r.method === 'POST' && r.path === '/api/v1/userstories', afterRun: true, status: 502 });
    const epic = await fx.fake.human('alice').createStory({
      subject: 'Ship the importer',
      description: 'Plan:\n- Parse the CSV (3h)\n- Map columns to fields (1d)',
      tags: ['epic'],
    });
    const epicId = String(epic.id);
    const children = () =>
      fx.fake.store.orderedStories().filter((s) => s.externalReference?.includes(`parent=${epicId}`));
    const run = await harness.runIn({ taskId: epicId }, ['done', 'failed'], 30_000);
    expect(run.outcome).toMatch(/^completed; 2 subtask\(s\) created/);
    expect(fx.fake.faults).toEqual([]);
    expect(
      children()
        .map((c) => c.subject)
        .sort(),
    ).toEqual(['Map columns to fields', 'Parse the CSV']);
    expect((await fx.adapter.getTask(epicId))!.agentNotes).toContain('Subtasks (2');
    // A full listing sees our own creates as echoes: no new run, no second set of children.
    await harness.core.engine.runner('tg').fullReconcile();
    await harness.core.agents.whenIdle();
    expect(children()).toHaveLength(2);

    await expectOneDigest(harness, (id) => fx.adapter.getTask(id), 'alice');
  });
});
