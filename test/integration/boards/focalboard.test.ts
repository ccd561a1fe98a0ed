import { afterEach, describe, expect, it } from 'vitest';
import { FocalboardAdapter } from '../../../src/main/core/boards/focalboard/adapter';
import { derivedId } from '../../../src/main/core/boards/focalboard/mapping';
import { startFocalboardFixture, type FocalboardFixture } from '../../boards/focalboard';
import { rejection } from '../../helpers/board-errors';
import { useTempDirs } from '../../helpers/tmp';
import {
  EXAMPLE_AGENT,
  expectOneDigest,
  expectQuestionAnswered,
  plannerAndSecretary,
  startHarness,
} from '../agents/harness';

/** The Focalboard adapter on the fake Focalboard: what the conformance suite does not cover, and the agent workflows. */
const tempDir = useTempDirs();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function focalboard(...args: Parameters<typeof startFocalboardFixture>): Promise<FocalboardFixture> {
  const fx = await startFocalboardFixture(...args);
  cleanup.push(() => fx.stop());
  return fx;
}

/** A raw call to the fake, as curl would make it. */
async function call(fx: FocalboardFixture, path: string, headers: Record<string, string>) {
  const res = await fetch(`${fx.fake.url}/api/v2${path}`, { headers });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('focalboard adapter: the API as the source has it', () => {
  it('without X-Requested-With the API answers 400 checkCSRFToken FAILED, before looking at the token', async () => {
    const fx = await focalboard();
    const path = `/boards/${fx.fake.board.id}/blocks?all=true`;
    expect(await call(fx, path, { authorization: `Bearer ${fx.fake.token}` })).toEqual({
      status: 400,
      body: { error: 'checkCSRFToken FAILED', errorCode: 400 },
    });
    expect(await call(fx, path, { 'x-requested-with': 'XMLHttpRequest', authorization: 'Bearer nope' })).toEqual({
      status: 401,
      body: { error: 'access denied to board', errorCode: 401 },
    });
  });

  it('a wrong token is auth, naming what to do, and never shows the token', async () => {
    const fx = await focalboard();
    const adapter = new FocalboardAdapter({
      boardId: 'x',
      url: fx.fake.url,
      board: 'Deckhand',
      token: 'stale-token-123',
    });
    const err = await rejection(adapter.connect());
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/HTTP 401.*log in again/);
    expect(err.message).not.toContain('stale-token-123');
  });

  it("a viewer's token is auth on the first write, saying the user must be an editor", async () => {
    const fx = await focalboard();
    const viewer = fx.fake.addMember('victor', 'pw', { editor: false });
    const adapter = new FocalboardAdapter({
      boardId: 'x',
      url: fx.fake.url,
      board: 'Deckhand',
      token: fx.fake.newSession(viewer),
    });
    // The fixture's adapter already added "Parent card"; a viewer can still read, but not write.
    await adapter.connect();
    const err = await rejection(adapter.createTask({ fields: { title: 'No' }, marker: 'm-v' }));
    expect(err.kind).toBe('auth');
    expect(err.message).toBe(
      "Focalboard denied create a card (HTTP 403: access denied to make board changes); the token's user must be an editor of the board",
    );
  });

  it('an unknown board or a missing or wrongly typed property is an error naming it and listing what the board has', async () => {
    const fx = await focalboard();
    const make = (extra: Partial<ConstructorParameters<typeof FocalboardAdapter>[0]>) =>
      new FocalboardAdapter({ boardId: 'x', url: fx.fake.url, board: 'Deckhand', token: fx.fake.token, ...extra });
    expect((await rejection(make({ board: 'Roadmap' }).connect())).message).toBe(
      'board: Focalboard has no board "Roadmap" that this token\'s user is a member of; boards: Deckhand',
    );
    const missing = await rejection(make({ properties: { status: 'Stage' } }).connect());
    expect(missing.kind).toBe('invalid');
    expect(missing.message).toMatch(
      /^properties\.status: the Focalboard board "Deckhand" has no card property "Stage"; its properties: Status \(select\), Priority \(select\), Tags \(multiSelect\)/,
    );
    const typed = await rejection(make({ properties: { labels: 'Estimated hours' } }).connect());
    expect(typed.message).toMatch(
      /^properties\.labels: card property "Estimated hours" is number, expected multiSelect; its properties: /,
    );
    const notes = await rejection(make({ properties: { agent_notes: 'Status' } }).connect());
    expect(notes.message).toMatch(/^properties\.agent_notes: card property "Status" is select, expected text/);
    // By id works as well as by title.
    await make({ board: fx.fake.board.id }).connect();
  });

  it('a card create sends the card alone with an id derived from its marker, so a lost answer is found and not made twice', async () => {
    const fx = await focalboard();
    fx.fake.fail({ when: (r) => r.method === 'POST' && /\/blocks$/.test(r.path), afterRun: true, status: 502 });
    await rejection(fx.adapter.createTask({ fields: { title: 'Once', description: 'Text.' }, marker: 'm-lost' }));
    const id = derivedId('c', fx.fake.board.id, 'm-lost');
    expect(fx.fake.store.card(id)?.title).toBe('Once');
    // The engine's retry looks for the marker; a create with the same marker writes the same card, not a second.
    expect((await fx.adapter.findTaskByMarker('m-lost'))?.id).toBe(id);
    const again = await fx.adapter.createTask({ fields: { title: 'Once', description: 'Text.' }, marker: 'm-lost' });
    expect(again.id).toBe(id);
    expect([...fx.fake.store.blocks.values()].filter((b) => b.type === 'card')).toHaveLength(1);
  });

  it('agent notes: a marked text block at the end of the card, edited in place; the person keeps their text', async () => {
    const fx = await focalboard();
    const task = await fx.adapter.createTask({
      fields: { title: 'Fix login', description: 'It fails.' },
      marker: 'm-1',
    });
    await fx.adapter.updateTask(task.id, { agentNotes: 'Found the cause.' });
    const texts = () =>
      ((fx.fake.store.card(task.id)!.fields.contentOrder as string[]) ?? []).map((id) => fx.fake.store.blocks.get(id)!);
    expect(texts().map((b) => b.title.split('\n')[0])).toEqual(['It fails.', expect.stringMatching(/^🤖 Agent notes/)]);
    fx.humanEdit(fx.fake.human('alice'), task.id, { description: 'It fails on Safari.' });
    const after = (await fx.adapter.getTask(task.id))!;
    expect(after).toMatchObject({ description: 'It fails on Safari.', agentNotes: 'Found the cause.' });
    fx.fake.resetStats();
    await fx.adapter.updateTask(task.id, { agentNotes: 'Fixed.' });
    const writes = Object.entries(fx.fake.stats.byPath).filter(([k]) => !k.startsWith('GET'));
    expect(writes).toEqual([['PATCH /boards/{boardID}/blocks/{blockID}', 1]]);
    expect(texts()).toHaveLength(2);
  });

  it('agent notes in a text property when the config names one; the card content is left alone', async () => {
    const fx = await focalboard();
    fx.fake.board.cardProperties.push({ id: 'anotes', name: 'Agent notes', type: 'text', options: [] });
    const adapter = new FocalboardAdapter({
      boardId: 'fb2',
      url: fx.fake.url,
      board: 'Deckhand',
      token: fx.fake.token,
      properties: { agent_notes: 'Agent notes' },
    });
    await adapter.connect();
    const task = await adapter.createTask({
      fields: { title: 'T', description: 'Body.', agentNotes: 'n1' },
      marker: 'm-2',
    });
    expect(task.agentNotes).toBe('n1');
    expect((fx.fake.store.card(task.id)!.fields.properties as Record<string, unknown>).anotes).toBe('n1');
    expect([...fx.fake.store.blocks.values()].filter((b) => b.type === 'text').map((b) => b.title)).toEqual(['Body.']);
  });

  it("a comment from Deckhand's own account typed in the web app is a person's (no marker); Deckhand's carries its marker", async () => {
    const fx = await focalboard();
    const task = await fx.adapter.createTask({ fields: { title: 'Talk' }, marker: 'm-3' });
    await fx.adapter.addComment(task.id, 'Question from agent coder: which region?', 'c-1');
    // The solo developer: the same account as Deckhand's token.
    fx.fake.human('admin').comment(task.id, 'eu-central-1');
    const comments = await fx.adapter.listComments(task.id);
    expect(comments.map((c) => [c.author, c.body, c.marker])).toEqual([
      ['admin', 'Question from agent coder: which region?', 'c-1'],
      ['admin', 'eu-central-1', null],
    ]);
  });

  it("a person's edit of another property made after Deckhand last read the card is kept: the card is read again just before the write", async () => {
    const fx = await focalboard();
    const task = await fx.adapter.createTask({ fields: { title: 'Race', labels: ['a'] }, marker: 'm-4' });
    // The person sets the assignee after Deckhand's last read; a PATCH replaces the whole properties map.
    fx.humanEdit(fx.fake.human('bob'), task.id, { assignee: 'bob' });
    const after = await fx.adapter.updateTask(task.id, { status: 'In Progress' });
    expect(after).toMatchObject({ status: 'In Progress', assignee: 'bob', labels: ['a'] });
  });

  it('an idle poll is one request for the whole board, and a new label becomes an option of the Tags property', async () => {
    const fx = await focalboard();
    const task = await fx.adapter.createTask({
      fields: { title: 'Labelled', labels: ['needs-ai', 'bug'] },
      marker: 'm-5',
    });
    expect(
      fx.fake.store
        .template(fx.fake.board, 'Tags')
        .options.map((o) => o.value)
        .sort(),
    ).toEqual(['bug', 'needs-ai']);
    const first = await fx.adapter.listChangedSince(null);
    fx.fake.resetStats();
    const idle = await fx.adapter.listChangedSince(new Date(Date.parse(first.watermark!) + 1).toISOString());
    expect(idle.tasks).toEqual([]);
    expect(fx.fake.stats.requests).toBe(1);
    expect(task.labels).toEqual(['bug', 'needs-ai']);
  });
});

describe('focalboard websocket hints', () => {
  const until = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(check(), what).toBe(true);
  };

  it('names the card a person edits or comments on, and reconnects after the socket drops', async () => {
    const fx = await focalboard({ socketRetryMs: 50 });
    const task = await fx.adapter.createTask({ fields: { title: 'Watched' }, marker: 'm-ws' });
    const hints: { kind: string; taskIds: string[] }[] = [];
    const unwatch = fx.adapter.watch((h) => hints.push({ kind: h.kind, taskIds: h.taskIds }));
    await until(() => fx.fake.socketCount === 1, 'the socket is open');
    await new Promise((r) => setTimeout(r, 50));
    const person = fx.fake.human('alice');
    person.comment(task.id, 'a question back');
    fx.humanEdit(person, task.id, { description: 'More detail.' });
    await until(() => hints.length >= 2, 'hints arrive');
    expect(hints).toContainEqual({ kind: 'comment', taskIds: [task.id] });
    expect(hints).toContainEqual({ kind: 'task', taskIds: [task.id] });

    fx.fake.dropSockets();
    await until(() => fx.fake.socketConnections === 2 && fx.fake.socketCount === 1, 'the socket is open again');
    await new Promise((r) => setTimeout(r, 50));
    hints.length = 0;
    fx.humanEdit(person, task.id, { title: 'Watched, renamed' });
    await until(() => hints.length >= 1, 'hints arrive after the reconnect');
    expect(hints[0]).toEqual({ kind: 'task', taskIds: [task.id] });
    unwatch();
    await until(() => fx.fake.socketCount === 0, 'unwatch closes the socket');
  });

  it('a bad token gets the socket closed by the server and no hints, only retries, until unwatched', async () => {
    const fx = await focalboard();
    const adapter = new FocalboardAdapter({
      boardId: 'x',
      url: fx.fake.url,
      board: 'Deckhand',
      token: fx.fake.token,
      socketRetryMs: 50,
    });
    await adapter.connect();
    fx.fake.revokeTokens();
    const hints: unknown[] = [];
    const unwatch = adapter.watch((h) => hints.push(h));
    await new Promise((r) => setTimeout(r, 300));
    fx.fake.human('alice').comment(fx.humanCreate(fx.fake.human('alice'), { title: 'Unseen' }), 'hi');
    await new Promise((r) => setTimeout(r, 100));
    expect(hints).toEqual([]);
    unwatch();
    await until(() => fx.fake.socketCount === 0, 'no socket stays open');
  });
});

const pickup = [
  {
    id: 'coder',
    board: 'fb',
    workflow: 'pickup' as const,
    routes: { labels: ['needs-ai'] },
    provider: { type: 'command', command: EXAMPLE_AGENT },
  },
];

async function served(
  agents: Parameters<typeof startHarness>[0]['agents'],
  extra: { settings?: Record<string, unknown>; config?: Record<string, unknown>; poll?: string } = {},
) {
  const fx = await focalboard();
  const harness = await startHarness({
    dir: tempDir(),
    agents,
    ...(extra.settings ? { settings: extra.settings } : {}),
    keychain: { 'focalboard-token': fx.fake.token },
    config: {
      boards: [{ ...fx.configEntry, token: { keychain: 'focalboard-token' }, poll: { interval: extra.poll ?? '1s' } }],
      ...extra.config,
    },
  });
  cleanup.push(() => harness.close());
  return { fx, harness };
}

describe('focalboard through deckhand', () => {
  it('pickup (command agent) on Focalboard, by polling: a person labels a card, the notes and the move land', async () => {
    const { fx, harness } = await served(pickup);
    const admin = fx.fake.human('admin');
    const id = fx.humanCreate(admin, { title: 'Check the cache', description: 'Why is it stale?' });
    fx.humanEdit(admin, id, { labels: ['needs-ai'] });
    const run = await harness.runIn({ taskId: id }, ['done', 'failed'], 30_000);
    expect(run.state).toBe('done');
    const done = (await fx.adapter.getTask(id))!;
    expect(done.status).toBe('Review');
    expect(done.agentNotes).toContain('Read "Check the cache"');
    expect(done.description).toBe('Why is it stale?');
  });

  it("ask a human on Focalboard, woken by the websocket: one question comment; an answer typed from Deckhand's own account resumes the run", async () => {
    // Polls every 10 minutes and answers are never polled: only the websocket's hints can bring the card and the answer in.
    const { fx, harness } = await served(pickup, {
      settings: { answerPollMs: 600_000 },
      config: { agent_defaults: { resume_on: 'answer' } },
      poll: '10m',
    });
    const admin = fx.fake.human('admin');
    const id = fx.humanCreate(admin, {
      title: 'Pick a region',
      description: 'ask: Which region do we deploy to?',
      labels: ['needs-ai'],
    });
    await expectQuestionAnswered(harness, fx.adapter, {
      taskId: id,
      blocked: 'Blocked',
      answerText: 'eu-central-1',
      answer: () => admin.comment(id, 'eu-central-1'),
    });
  });

  it('breakdown and digest on Focalboard: subtasks created once (a lost create answer included), one digest card assigned to a person', async () => {
    const { fx, harness } = await served(plannerAndSecretary('fb', 'alice'));
    const cardCreate = (title: RegExp) => (r: { method: string; path: string; body: unknown }) =>
      r.method === 'POST' &&
      Array.isArray(r.body) &&
      (r.body as { type?: string; title?: string }[]).some((b) => b.type === 'card' && title.test(b.title ?? ''));
    fx.fake.fail({ when: cardCreate(/^Parse the CSV$/), afterRun: true, status: 502 });
    fx.fake.fail({ when: cardCreate(/^Daily digest/), afterRun: true, destroy: true });
    const epic = fx.humanCreate(fx.fake.human('alice'), {
      title: 'Ship the importer',
      description: 'Plan:\n- Parse the CSV (3h)\n- Map columns to fields (1d)',
      labels: ['epic'],
    });
    const run = await harness.runIn({ taskId: epic }, ['done', 'failed'], 30_000);
    expect(run.outcome).toMatch(/^completed; 2 subtask\(s\) created/);
    const children = async () => (await fx.adapter.listTasks()).filter((t) => t.parentId === epic);
    expect((await children()).map((c) => c.title).sort()).toEqual(['Map columns to fields', 'Parse the CSV']);
    expect((await fx.adapter.getTask(epic))!.agentNotes).toContain('Subtasks (2');
    await harness.core.engine.runner('fb').fullReconcile();
    await harness.core.agents.whenIdle();
    expect(await children()).toHaveLength(2);

    await expectOneDigest(harness, (id) => fx.adapter.getTask(id), 'alice');
    expect(fx.fake.faults).toEqual([]);
  });
});
