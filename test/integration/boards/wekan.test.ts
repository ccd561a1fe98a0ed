import { afterEach, describe, expect, it, vi } from 'vitest';
import { BoardError } from '../../../src/main/core/boards/contract/errors';
import { WekanAdapter } from '../../../src/main/core/boards/wekan/adapter';
import { startServer } from '../../../src/main/core/server/http-server';
import { closeDatabase, openDatabase } from '../../../src/main/core/store/database';
import { LogRepo } from '../../../src/main/core/store/log-repo';
import { startWekanFixture, WEKAN_PASSWORD, type WekanFixture } from '../../boards/wekan';
import type { FaultRequest } from '../../fakes/wekan';
import { meteorId } from '../../fakes/wekan';
import { readNow } from '../../helpers/agent-basis';
import { bareEngine } from '../../helpers/bare-engine';
import { rejection } from '../../helpers/board-errors';
import { useFakeDate } from '../../helpers/fake-date';
import { useTempDirs } from '../../helpers/tmp';
import { EXAMPLE_AGENT, expectOneDigest, plannerAndSecretary, startHarness } from '../agents/harness';

/** The WeKan adapter on the fake WeKan: what the conformance suite does not cover. */
const tempDir = useTempDirs();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
  vi.unstubAllEnvs();
});

async function wekan(...args: Parameters<typeof startWekanFixture>): Promise<WekanFixture> {
  const fx = await startWekanFixture(...args);
  cleanup.push(() => fx.stop());
  return fx;
}

const isCardPut = (r: FaultRequest, id: string): boolean => r.method === 'PUT' && r.path.endsWith(`/cards/${id}`);
const CARD_PUT = 'PUT /api/boards/:boardId/lists/:listId/cards/:cardId';
const LOGIN = 'POST /users/login';

describe('wekan adapter: change detection', () => {
  it("an idle poll is one GET of the lists; a person's edit reads only the list it is in", async () => {
    const fx = await wekan();
    const alice = fx.fake.human('alice');
    for (let i = 0; i < 6; i++) fx.humanCreate(alice, { title: `t${i}`, status: i % 2 ? 'Todo' : 'Done' });
    const first = await fx.adapter.listChangedSince(null);
    expect(first.tasks).toHaveLength(6);

    fx.fake.resetStats();
    const idle = await fx.adapter.listChangedSince(first.watermark);
    // The overlap: tasks at the watermark itself come back, from the last read, without a request for them.
    expect(fx.fake.stats.requests).toBe(1);
    expect(Object.keys(fx.fake.stats.byPath)).toEqual(['GET /api/boards/:boardId/lists']);
    expect(idle.watermark).toBe(first.watermark);

    await new Promise((r) => setTimeout(r, 5));
    const target = first.tasks.find((t) => t.status === 'Todo')!;
    fx.humanEdit(alice, target.id, { title: 'edited by alice' });
    fx.fake.resetStats();
    const changed = await fx.adapter.listChangedSince(first.watermark);
    // Cards made in the watermark's own millisecond come back too (the watermark is inclusive), from the last read.
    const after = changed.tasks.filter((t) => Date.parse(t.updatedAt) > Date.parse(first.watermark!));
    expect(after.map((t) => t.title)).toEqual(['edited by alice']);
    const todo = fx.fake.store.lists.find((l) => l.title === 'Todo')!._id;
    const listReads = fx.fake.stats.log.filter((e) => /\/lists\/[^/]+\/cards$/.test(e.path));
    expect(listReads.map((e) => e.path)).toEqual([`/api/boards/${fx.fake.board._id}/lists/${todo}/cards`]);
    // The lists, the one list's cards, then each of its three cards in full (the list answer has no labels).
    expect(fx.fake.stats.requests).toBe(1 + 1 + 3);
  });

  it('a card a person moves to another list is seen in its new list, once, with its new status', async () => {
    const fx = await wekan();
    const alice = fx.fake.human('alice');
    const id = fx.humanCreate(alice, { title: 'mover', status: 'Todo' });
    const first = await fx.adapter.listChangedSince(null);
    await new Promise((r) => setTimeout(r, 5));
    fx.humanEdit(alice, id, { status: 'Review' });
    const page = await fx.adapter.listChangedSince(first.watermark);
    expect(page.tasks.map((t) => [t.id, t.status])).toEqual([[id, 'Review']]);
  });

  it("a WeKan older than v10.72 (lists without cardsModifiedAt): every list is read each poll, so a person's edit is seen", async () => {
    const fx = await wekan({}, { listsWithoutCardsModifiedAt: true });
    const alice = fx.fake.human('alice');
    const id = fx.humanCreate(alice, { title: 'old server', status: 'Todo' });
    fx.humanCreate(alice, { title: 'other', status: 'Done' });
    const first = await fx.adapter.listChangedSince(null);
    await new Promise((r) => setTimeout(r, 5));
    fx.humanEdit(alice, id, { title: 'edited on an old WeKan' });
    const page = await fx.adapter.listChangedSince(first.watermark);
    const after = page.tasks.filter((t) => Date.parse(t.updatedAt) > Date.parse(first.watermark!));
    expect(after.map((t) => [t.id, t.title])).toEqual([[id, 'edited on an old WeKan']]);
  });
});

describe('wekan adapter: login', () => {
  it("a revoked token: WeKan's HTTP 200 with a Meteor Unauthorized error is a new login, not an empty board", async () => {
    const fx = await wekan();
    fx.humanCreate(fx.fake.human('alice'), { title: 'still here' });
    fx.fake.revokeTokens();
    fx.fake.resetStats();
    expect(await fx.adapter.listColumns()).toContain('Todo');
    expect((await fx.adapter.listTasks()).map((t) => t.title)).toEqual(['still here']);
    expect(fx.fake.stats.byPath[LOGIN]).toBe(1);
  });

  it('a wrong password is auth, naming the user and what to check, without the password', async () => {
    const fx = await wekan();
    const adapter = new WekanAdapter({
      boardId: 'x',
      url: fx.fake.url,
      board: 'Deckhand',
      username: 'alice',
      password: 'wrong-pass-9',
    });
    const err = await rejection(adapter.connect());
    expect(err).toBeInstanceOf(BoardError);
    expect((err as BoardError).kind).toBe('auth');
    expect((err as BoardError).message).toMatch(/Incorrect username, email address or password.*alice/);
    expect((err as BoardError).message).not.toContain('wrong-pass-9');
  });

  it('a board named neither by id nor title is an error listing the boards there are', async () => {
    const fx = await wekan();
    const adapter = new WekanAdapter({
      boardId: 'x',
      url: fx.fake.url,
      board: 'Nope',
      username: 'admin',
      password: WEKAN_PASSWORD,
    });
    await expect(adapter.connect()).rejects.toThrow(/board: WeKan board "Nope" not found .*boards: Deckhand/);
  });

  it('an API that is off (no WITH_API) is auth, saying how to turn it on', async () => {
    const fx = await wekan({}, {});
    const off = await (await import('../../fakes/wekan')).startFakeWekan({ withApi: false });
    cleanup.push(() => off.close());
    const adapter = new WekanAdapter({
      boardId: 'x',
      url: off.url,
      board: 'Deckhand',
      username: 'admin',
      password: 'admin-password',
    });
    await expect(adapter.connect()).rejects.toThrow(/WITH_API=true/);
    expect(fx.adapter.type).toBe('wekan');
  });
});

describe('wekan adapter: verified writes', () => {
  it("a silent no-op (HTTP 200, nothing written) is an error carrying WeKan's answer; the card is as it was", async () => {
    const fx = await wekan();
    const task = await fx.adapter.createTask({ fields: { title: 'Fix login', status: 'Todo' }, marker: 'dh-noop-1' });
    fx.fake.fail({ when: (r) => isCardPut(r, task.id), noop: true });
    const err = (await rejection(fx.adapter.updateTask(task.id, { status: 'Doing', labels: ['bug'] }))) as BoardError;
    expect(err).toBeInstanceOf(BoardError);
    expect(err.kind).toBe('transient');
    expect(err.message).toContain(`{"_id":"${task.id}"}`);
    expect(err.message).toMatch(/did not write it: status is "Todo", not "Doing"/);
    expect((await fx.adapter.getTask(task.id))!.status).toBe('Todo');
    // The retry (the engine's, here by hand) lands.
    expect((await fx.adapter.updateTask(task.id, { status: 'Doing', labels: ['bug'] })).status).toBe('Doing');
  });

  it("a person moving the card between Deckhand's read and its PUT: WeKan writes nothing under the stale list, the read-back says so, the retry lands on top", async () => {
    const fx = await wekan();
    const alice = fx.fake.human('alice');
    const id = fx.humanCreate(alice, { title: 'Contested', status: 'Todo' });
    let moved = false;
    fx.fake.fail({
      // The person's move lands while Deckhand's PUT is on the way (the URL still names Todo).
      when: (r) => {
        if (isCardPut(r, id) && !moved) {
          moved = true;
          fx.humanEdit(alice, id, { status: 'Review' });
        }
        return false;
      },
    });
    const err = (await rejection(fx.adapter.updateTask(id, { labels: ['agent'] }))) as BoardError;
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/did not write it: labels is \[\], not \["agent"\]/);
    expect(fx.fake.stats.log.find((e) => e.method === 'PUT')?.status).toBe(200);
    const retried = await fx.adapter.updateTask(id, { labels: ['agent'] });
    expect(retried).toMatchObject({ status: 'Review', labels: ['agent'] });
  });

  it('an assignee who is not an active member is refused here; WeKan would drop them without a word', async () => {
    const fx = await wekan();
    const task = await fx.adapter.createTask({ fields: { title: 'Who', assignee: 'carol' }, marker: 'dh-who' });
    expect(task.assignee).toBe('carol');
    fx.fake.board.members.find(
      (m) => m.userId === fx.fake.store.users.find((u) => u.username === 'bob')!._id,
    )!.isActive = false;
    // Deckhand's copy of the members is older than the change: WeKan drops bob with a 200, the read-back catches it.
    const first = await rejection(fx.adapter.updateTask(task.id, { assignee: 'bob' }));
    expect(first).toMatchObject({ kind: 'transient' });
    expect(first.message).toMatch(/did not write it: assignee is null, not "bob"/);
    // The retry reads the board again and says what is wrong instead of trying forever.
    const again = await rejection(fx.adapter.updateTask(task.id, { assignee: 'bob' }));
    expect(again).toMatchObject({ kind: 'invalid' });
    expect(again.message).toMatch(
      /assignee: "bob" is not an active member of WeKan board "Deckhand"; members: admin, alice, carol/,
    );
  });
});

describe('wekan adapter: labels and notes', () => {
  it('a label the board lacks is made when Deckhand is a board admin; otherwise a clear error names it and the right', async () => {
    const fx = await wekan();
    const task = await fx.adapter.createTask({ fields: { title: 'L', labels: ['fresh'] }, marker: 'dh-l' });
    expect(task.labels).toEqual(['fresh']);
    expect(fx.fake.board.labels.filter((l) => l.name === 'fresh')).toHaveLength(1);

    const asAlice = new WekanAdapter({
      boardId: 'a',
      url: fx.fake.url,
      board: 'Deckhand',
      username: 'alice',
      password: WEKAN_PASSWORD,
    });
    await asAlice.connect();
    const err = (await rejection(asAlice.updateTask(task.id, { labels: ['fresh', 'newer'] }))) as BoardError;
    expect(err.kind).toBe('invalid');
    expect(err.message).toMatch(
      /labels: WeKan board "Deckhand" has no label "newer" and alice may not create one \(only a board admin can\)/,
    );
    // A label that exists is fine for her, and her assignees show by username even though she may not list users.
    expect((await asAlice.updateTask(task.id, { labels: [], assignee: 'bob' })).assignee).toBe('bob');
  });

  it('agent notes live in the custom field named in config, the description untouched; a missing field is an error naming those there are', async () => {
    const fx = await wekan();
    fx.fake.store.customFields.push({
      _id: meteorId(),
      boardIds: [fx.fake.board._id],
      name: 'Agent notes',
      type: 'text',
      settings: {},
      showOnCard: false,
      automaticallyOnCard: false,
      alwaysOnCard: false,
      showLabelOnMiniCard: false,
    });
    const adapter = new WekanAdapter({
      boardId: 'n',
      url: fx.fake.url,
      board: 'Deckhand',
      username: 'admin',
      password: WEKAN_PASSWORD,
      agentNotesField: 'Agent notes',
    });
    await adapter.connect();
    expect(adapter.capabilities.nativeAgentNotes).toBe(true);
    const task = await adapter.createTask({
      fields: { title: 'N', description: 'What a person wrote.', agentNotes: 'first' },
      marker: 'dh-n',
    });
    expect(task.agentNotes).toBe('first');
    const updated = await adapter.updateTask(task.id, { agentNotes: 'second' });
    expect(updated).toMatchObject({ agentNotes: 'second', description: 'What a person wrote.' });
    const row = fx.fake.store.card(task.id)!;
    expect(row.customFields.map((f) => f.value)).toEqual(['second']);
    expect(row.description).not.toContain('second');

    const wrong = new WekanAdapter({
      boardId: 'w',
      url: fx.fake.url,
      board: 'Deckhand',
      username: 'admin',
      password: WEKAN_PASSWORD,
      agentNotesField: 'Notes',
    });
    await expect(wrong.connect()).rejects.toThrow(
      /agent_notes_field: WeKan board "Deckhand" has no custom field "Notes"; custom fields: Agent notes/,
    );
  });

  it('without a notes field the notes are a marked section of the description, which a person editing the text keeps', async () => {
    const fx = await wekan();
    const task = await fx.adapter.createTask({ fields: { title: 'S', description: 'Steps.' }, marker: 'dh-s' });
    await fx.adapter.updateTask(task.id, { agentNotes: 'Found it.' });
    fx.humanEdit(fx.fake.human('admin'), task.id, { description: 'Steps, edited.' });
    expect(await fx.adapter.getTask(task.id)).toMatchObject({
      description: 'Steps, edited.',
      agentNotes: 'Found it.',
      marker: 'dh-s',
    });
  });
});

describe('a silent no-op write through the sync engine', () => {
  const { tick } = useFakeDate();

  async function engineOn(fx: WekanFixture) {
    const db = openDatabase(tempDir());
    const engine = bareEngine(db, [fx.adapter]);
    cleanup.push(async () => {
      await engine.stop();
      closeDatabase(db);
    });
    const log = new LogRepo(db);
    return { engine, runner: engine.runner('wk'), log: (action: string) => [...log.iterate({ action })] };
  }

  it("is caught, logged with WeKan's answer, retried, and reported done only once it is on the board", async () => {
    const fx = await wekan();
    const id = fx.humanCreate(fx.fake.human('alice'), { title: 'Card', status: 'Todo' });
    const { engine, runner, log } = await engineOn(fx);
    await runner.fullReconcile();
    tick();
    engine.submitIntent({
      kind: 'update',
      boardId: 'wk',
      taskId: id,
      actor: 'agent:coder',
      patch: { status: 'Doing' },
      basis: readNow(engine, 'wk', id),
      reason: 'picked up',
    });
    fx.fake.fail({ when: (r) => isCardPut(r, id), noop: true });
    await runner.drainOutbox();

    expect(fx.fake.stats.log.filter((e) => e.method === 'PUT').map((e) => [e.status, e.answer])).toEqual([
      [200, `{"_id":"${id}"}`],
    ]);
    expect(fx.fake.store.lists.find((l) => l._id === fx.fake.store.card(id)!.listId)!.title).toBe('Todo');
    expect(log('outbox.retry').map((e) => e.reason)).toEqual([
      expect.stringContaining(`with {"_id":"${id}"} but did not write it: status is "Todo", not "Doing"`),
    ]);
    expect(log('field.written'), 'not reported as written').toEqual([]);
    expect(engine.outbox.counts().pending).toBe(1);

    tick(120_000);
    await runner.drainOutbox();
    expect(engine.outbox.counts()).toEqual({ pending: 0, parked: 0 });
    expect(fx.fake.store.lists.find((l) => l._id === fx.fake.store.card(id)!.listId)!.title).toBe('Doing');
    expect(log('field.written').map((e) => [e.field, e.after])).toEqual([['status', 'Doing']]);
  });

  it('a write WeKan keeps answering 200 to without writing is parked after the retries, never reported as written', async () => {
    const fx = await wekan();
    const id = fx.humanCreate(fx.fake.human('alice'), { title: 'Card', status: 'Todo' });
    const { engine, runner, log } = await engineOn(fx);
    await runner.fullReconcile();
    tick();
    engine.submitIntent({
      kind: 'update',
      boardId: 'wk',
      taskId: id,
      actor: 'agent:coder',
      patch: { status: 'Doing' },
      basis: readNow(engine, 'wk', id),
      reason: 'picked up',
    });
    fx.fake.fail({ when: (r) => isCardPut(r, id), noop: true, times: 1_000 });
    for (let round = 0; round < 12 && engine.outbox.counts().pending > 0; round++) {
      await runner.drainOutbox();
      tick(3_600_000);
    }
    expect(engine.outbox.counts()).toEqual({ pending: 0, parked: 1 });
    expect(log('outbox.parked').map((e) => e.reason)).toEqual([
      expect.stringMatching(/^WeKan answered update a card on card \w+ with \{"_id":"\w+"\} but did not write it/),
    ]);
    expect(engine.outbox.list({ state: 'parked' })[0]?.lastError).toMatch(/^gave up after 8 attempts: WeKan answered/);
    expect(log('field.written')).toEqual([]);
    expect(fx.fake.stats.byPath[CARD_PUT]).toBe(8);
  });
});

/** The board entry Deckhand serves, its password and webhook token from the environment. */
function servedBoardEntry(fx: WekanFixture, extra: Record<string, unknown>): Record<string, unknown> {
  vi.stubEnv('WEKAN_PASSWORD', WEKAN_PASSWORD);
  vi.stubEnv('WEKAN_WEBHOOK_TOKEN', 'wekan-hook-token');
  return {
    ...fx.configEntry,
    webhook: { token: { env: 'WEKAN_WEBHOOK_TOKEN' } },
    columns: { todo: 'Todo', working: 'Doing', review: 'Review', blocked: 'Blocked' },
    ...extra,
  };
}

/** Deckhand with a pickup agent, the board's outgoing webhook pointed at Deckhand's listener, polling slow. */
async function pickupWithWebhooks(extra: { settings?: Record<string, unknown>; config?: Record<string, unknown> }) {
  const fx = await wekan();
  const harness = await startHarness({
    dir: tempDir(),
    agents: [
      {
        id: 'coder',
        board: 'wk',
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
  fx.fake.addWebhook(`${server.url}/webhooks/wk`, 'wekan-hook-token');
  await new Promise((r) => setTimeout(r, 300));
  return { fx, harness };
}

const accepted = (fx: WekanFixture): number =>
  fx.fake.deliveries.filter((d) => d.status !== undefined && d.status >= 200 && d.status < 300).length;

describe('wekan through deckhand', () => {
  it('pickup (command agent) on WeKan, woken by the outgoing webhook: a person labels a card, the notes and the move land', async () => {
    const { fx, harness } = await pickupWithWebhooks({});
    const admin = fx.fake.human('admin');
    const id = fx.humanCreate(admin, { title: 'Check the cache', description: 'Why is it stale?', status: 'Todo' });
    fx.humanEdit(admin, id, { labels: ['needs-ai'] });
    const run = await harness.runIn({ taskId: id }, ['done', 'failed'], 30_000);
    expect(run.state).toBe('done');
    await fx.fake.flushWebhooks();
    expect(accepted(fx)).toBeGreaterThan(0);
    expect(fx.fake.deliveries.filter((d) => d.status !== undefined && d.status >= 300)).toEqual([]);
    const done = (await fx.adapter.getTask(id))!;
    expect(done.status).toBe('Review');
    expect(done.agentNotes).toContain('Read "Check the cache"');
    expect(done.description).toBe('Why is it stale?');
  });

  it("ask a human on WeKan: the question is one comment; an answer from Deckhand's own account resumes the run at once", async () => {
    const { fx, harness } = await pickupWithWebhooks({
      settings: { answerPollMs: 600_000 },
      config: { agent_defaults: { resume_on: 'answer' } },
    });
    // The solo developer: the same WeKan account Deckhand logs in as.
    const admin = fx.fake.human('admin');
    const id = fx.humanCreate(admin, {
      title: 'Pick a region',
      description: 'ask: Which region do we deploy to?',
      labels: ['needs-ai'],
      status: 'Todo',
    });
    const waiting = await harness.runIn({ taskId: id }, ['waiting-for-human'], 30_000);
    const questions = async (): Promise<string[]> =>
      (await fx.adapter.listComments(id)).map((c) => c.body).filter((b) => b.startsWith('Question from agent'));
    expect(await questions()).toEqual([expect.stringContaining('Which region do we deploy to?')]);

    admin.comment(id, 'eu-central-1');
    const done = await harness.runIn({ runId: waiting.id }, ['done', 'failed'], 10_000);
    expect(done).toMatchObject({ state: 'done', answer: 'eu-central-1' });
    expect((await fx.adapter.getTask(id))!.agentNotes).toContain('eu-central-1');
    expect(await questions()).toHaveLength(1);
  });

  it('breakdown and digest on WeKan: subtasks created once as child cards (a lost create answer included), one digest card assigned to a member', async () => {
    const fx = await wekan();
    const harness = await startHarness({
      dir: tempDir(),
      agents: plannerAndSecretary('wk', 'alice'),
      config: { boards: [servedBoardEntry(fx, { poll: { interval: '2s' } })] },
    });
    cleanup.push(() => harness.close());
    // WeKan makes a subtask and the digest card but their answers are lost: the engine's retry must find them by
    // their markers, and finish them (a label is a second request on WeKan, as the card create takes none).
    const createOf = (title: RegExp) => (r: FaultRequest) =>
      r.method === 'POST' &&
      /\/lists\/[^/]+\/cards$/.test(r.path) &&
      title.test(String((r.body as { title?: unknown }).title));
    fx.fake.fail({ when: createOf(/^Parse the CSV$/), afterRun: true, status: 502 });
    fx.fake.fail({ when: createOf(/^Daily digest/), afterRun: true, destroy: true });
    const epicId = fx.humanCreate(fx.fake.human('alice'), {
      title: 'Ship the importer',
      description: 'Plan:\n- Parse the CSV (3h)\n- Map columns to fields (1d)',
      labels: ['epic'],
      status: 'Todo',
    });
    const children = () => fx.fake.store.cards.filter((c) => c.parentId === epicId);
    const run = await harness.runIn({ taskId: epicId }, ['done', 'failed'], 30_000);
    expect(run.outcome).toMatch(/^completed; 2 subtask\(s\) created/);
    expect(
      children()
        .map((c) => c.title)
        .sort(),
    ).toEqual(['Map columns to fields', 'Parse the CSV']);
    expect((await fx.adapter.getTask(epicId))!.agentNotes).toContain('Subtasks (2');
    // A full listing sees our own creates as echoes: no new run, no second set of children.
    await harness.core.engine.runner('wk').fullReconcile();
    await harness.core.agents.whenIdle();
    expect(children()).toHaveLength(2);

    await expectOneDigest(harness, (id) => fx.adapter.getTask(id), 'alice');
    expect(fx.fake.faults).toEqual([]);
  });
});
