import { afterEach, describe, expect, it } from 'vitest';
import { WebhookRejected } from '../../../src/main/core/boards/contract/errors';
import { signHmac } from '../../../src/main/core/boards/kit/webhooks/verify';
import { NotionAdapter } from '../../../src/main/core/boards/notion/adapter';
import { parseDatabaseId } from '../../../src/main/core/boards/notion/ids';
import { SIGNATURE } from '../../../src/main/core/boards/notion/webhook';
import { startServer } from '../../../src/main/core/server/http-server';
import { startNotionFixture, type NotionFixture } from '../../boards/notion';
import { richText, type PropertySchema } from '../../fakes/notion';
import { rejection } from '../../helpers/board-errors';
import { useTempDirs } from '../../helpers/tmp';
import {
  EXAMPLE_AGENT,
  expectOneDigest,
  expectQuestionAnswered,
  plannerAndSecretary,
  startHarness,
} from '../agents/harness';

/** The Notion adapter on the fake Notion: what the conformance suite does not cover. */
const tempDir = useTempDirs();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function notion(...args: Parameters<typeof startNotionFixture>): Promise<NotionFixture> {
  const fx = await startNotionFixture(...args);
  cleanup.push(() => fx.stop());
  return fx;
}

const delivery = (body: string, headers: Record<string, string | undefined>) => ({
  headers,
  query: new URLSearchParams(),
  rawBody: Buffer.from(body),
});

/** Moves the fake's clock to `second` seconds into a minute, so a test has the rest of that minute. */
function atSecond(fx: NotionFixture, second: number): void {
  const now = Date.now();
  fx.fake.clockOffsetMs = Math.ceil(now / 60_000) * 60_000 + second * 1000 - now;
}

const blockReads = (fx: NotionFixture) =>
  fx.fake.stats.requestLog.filter((r) => r.method === 'GET' && /^\/blocks\/[^/]+\/children/.test(r.path)).length;

describe('notion adapter: reading and writing', () => {
  it('takes the database as an id or as the URL copied from Notion', () => {
    const id = '1c2f0e3a4b5c4d6e8f90a1b2c3d4e5f6';
    const dashed = '1c2f0e3a-4b5c-4d6e-8f90-a1b2c3d4e5f6';
    expect(parseDatabaseId(id)).toBe(dashed);
    expect(parseDatabaseId(dashed)).toBe(dashed);
    expect(parseDatabaseId(`https://www.notion.so/acme/Tasks-${id}?v=0123456789abcdef0123456789abcdef&pvs=4`)).toBe(
      dashed,
    );
    expect(() => parseDatabaseId('https://www.notion.so/acme/Tasks')).toThrow(
      /neither a Notion database id nor a database URL/,
    );
  });

  it('an edit in the same minute as the last poll is not missed, though Notion shows both at the same rounded time', async () => {
    const fx = await notion();
    atSecond(fx, 5);
    const person = fx.fake.human('alice');
    const id = fx.humanCreate(person, { title: 'Fix login', description: 'It fails.' });
    const first = await fx.adapter.listChangedSince(null);
    expect(first.tasks.find((t) => t.id === id)?.description).toBe('It fails.');

    // Still the same minute: last_edited_time does not move, yet the edit must be seen.
    fx.fake.clockOffsetMs += 20_000;
    fx.humanEdit(person, id, { description: 'It fails on Safari.', priority: 3 });
    const page = fx.fake.store.renderPage(fx.fake.store.page(id)!);
    expect(page.last_edited_time).toBe(first.watermark);
    const next = await fx.adapter.listChangedSince(first.watermark);
    const seen = next.tasks.find((t) => t.id === id)!;
    expect(seen.description).toBe('It fails on Safari.');
    expect(seen.priority).toBe(3);
    expect(Date.parse(next.watermark!)).toBeGreaterThanOrEqual(Date.parse(first.watermark!));
  });

  it('a page body read after its minute ended is not read again until the page changes (the dedupe by last_edited_time)', async () => {
    const fx = await notion();
    atSecond(fx, 5);
    const person = fx.fake.human('alice');
    const ids = [1, 2, 3].map((n) => fx.humanCreate(person, { title: `Task ${n}`, description: `Body ${n}` }));
    const first = await fx.adapter.listChangedSince(null);
    // Two minutes on: the reads inside the edit's minute prove nothing, so one more read each, then none.
    fx.fake.clockOffsetMs += 120_000;
    await fx.adapter.listTasks();
    fx.fake.resetStats();
    const idle = await fx.adapter.listChangedSince(first.watermark);
    expect(idle.tasks.map((t) => t.id).sort()).toEqual([...ids].sort());
    expect(blockReads(fx)).toBe(0);
    expect(fx.fake.stats.requests).toBe(2); // the live query and the trash query
    fx.humanEdit(person, ids[1]!, { description: 'Body 2, edited' });
    const changed = await fx.adapter.listChangedSince(idle.watermark);
    expect(changed.tasks.find((t) => t.id === ids[1])?.description).toBe('Body 2, edited');
    expect(blockReads(fx)).toBe(1);
  });

  it("reads a person's formatting as Markdown in one normal form, and writing it back changes nothing", async () => {
    const fx = await notion();
    const person = fx.fake.human('alice');
    // Typed in Notion's editor: a bold word, inline code, a link, a list and a to-do.
    const id = person.createPage({ Name: { title: [{ text: { content: 'Formatted' } }] } }, [
      {
        type: 'paragraph',
        content: {
          rich_text: [
            richText('Make '),
            richText('this', { bold: true }),
            richText(' call '),
            richText('f()', { code: true }),
            richText(' faster; see '),
            richText('the spec', {}, 'https://example.com/spec'),
          ],
        },
      },
      { type: 'bulleted_list_item', content: { rich_text: [richText('one')] } },
      { type: 'bulleted_list_item', content: { rich_text: [richText('two')] } },
      { type: 'to_do', content: { rich_text: [richText('ship it')], checked: true } },
    ]);
    const task = (await fx.adapter.getTask(id))!;
    expect(task.description).toBe(
      'Make **this** call `f()` faster; see [the spec](https://example.com/spec)\n\n- one\n- two\n- [x] ship it',
    );
    expect((await fx.adapter.getTask(id))!.version).toBe(task.version);
    // Deckhand writing the same text sends nothing; the person's blocks stay theirs.
    fx.fake.resetStats();
    const same = await fx.adapter.updateTask(id, { description: task.description });
    expect(same.version).toBe(task.version);
    expect(fx.fake.stats.requestLog.filter((r) => r.method !== 'GET')).toEqual([]);
    // Text written as blocks by Deckhand reads back exactly.
    const text =
      '# Plan\n\nLine one\nLine two with `code` and **bold**\n\n1. first\n2. second\n\n> quoted\n\n```ts\nconst x = 1;\n```';
    expect((await fx.adapter.updateTask(id, { description: text })).description).toBe(text);
  });

  it('agent notes: a callout at the end of the body that a person editing the text keeps', async () => {
    const fx = await notion();
    const task = await fx.adapter.createTask({
      fields: { title: 'Fix login', description: 'It fails.' },
      marker: 'm-1',
    });
    await fx.adapter.updateTask(task.id, { agentNotes: 'Found the cause.\n\nA stale cookie.' });
    const blocks = fx.fake.store.liveBlocks(fx.fake.store.page(task.id)!);
    expect(blocks.map((b) => b.type)).toEqual(['paragraph', 'callout']);
    fx.humanEdit(fx.fake.human('alice'), task.id, { description: 'It fails on Safari.' });
    const after = (await fx.adapter.getTask(task.id))!;
    expect(after.description).toBe('It fails on Safari.');
    expect(after.agentNotes).toBe('Found the cause.\n\nA stale cookie.');
    // A second write edits the callout in place (one PATCH of that block), never a second callout.
    fx.fake.resetStats();
    await fx.adapter.updateTask(task.id, { agentNotes: 'Fixed.' });
    const writes = fx.fake.stats.requestLog.filter((r) => r.method !== 'GET' && !r.path.endsWith('/query'));
    expect(writes.map((w) => w.method)).toEqual(['PATCH']);
    expect(fx.fake.store.liveBlocks(fx.fake.store.page(task.id)!).filter((b) => b.type === 'callout')).toHaveLength(1);
  });

  it('agent notes: a rich-text property when the database has one, and then the body is left alone', async () => {
    const fx = await notion(
      { properties: { agent_notes: 'AI notes' } },
      { schema: schemaWith({ name: 'AI notes', type: 'rich_text', rich_text: {} }) },
    );
    const task = await fx.adapter.createTask({
      fields: { title: 'T', description: 'Body.', agentNotes: 'n1' },
      marker: 'm-2',
    });
    expect(task.agentNotes).toBe('n1');
    const long = 'x'.repeat(4500);
    expect((await fx.adapter.updateTask(task.id, { agentNotes: long })).agentNotes).toBe(long);
    expect(fx.fake.store.liveBlocks(fx.fake.store.page(task.id)!).map((b) => b.type)).toEqual(['paragraph']);
  });

  it("a comment a person posts is theirs (no marker); Deckhand's carries its marker and the integration's name", async () => {
    const fx = await notion();
    const task = await fx.adapter.createTask({ fields: { title: 'Talk' }, marker: 'm-3' });
    await fx.adapter.addComment(task.id, 'Question from agent coder: **which** region?', 'c-1');
    fx.fake.human('alice').comment(task.id, 'eu-central-1');
    const comments = await fx.adapter.listComments(task.id);
    expect(comments.map((c) => [c.author, c.body, c.marker])).toEqual([
      ['Deckhand', 'Question from agent coder: **which** region?', 'c-1'],
      ['alice', 'eu-central-1', null],
    ]);
  });

  it('a page moved to the trash is a deletion; one restored comes back', async () => {
    const fx = await notion();
    const task = await fx.adapter.createTask({ fields: { title: 'Gone soon' }, marker: 'm-4' });
    const before = await fx.adapter.listChangedSince(null);
    fx.fake.human('bob').trash(task.id);
    const page = await fx.adapter.listChangedSince(before.watermark);
    expect(page.deletedIds).toEqual([task.id]);
    expect(page.tasks.map((t) => t.id)).not.toContain(task.id);
    expect(await fx.adapter.getTask(task.id)).toBeNull();
    await rejection(fx.adapter.updateTask(task.id, { title: 'x' })).then((e) => expect(e.kind).toBe('not_found'));
  });
});

/** The default schema with one property changed or added. */
function schemaWith(...extra: Omit<PropertySchema, 'id'>[]): PropertySchema[] {
  const base: PropertySchema[] = [
    { id: 'title', name: 'Name', type: 'title', title: {} },
    {
      id: 'st',
      name: 'Stage',
      type: 'status',
      status: {
        options: ['Todo', 'Doing', 'Done'].map((n, i) => ({
          id: `o${i}`,
          name: n,
          color: 'default',
          description: null,
        })),
      },
    },
    { id: 'lb', name: 'Labels', type: 'multi_select', multi_select: { options: [] } },
    { id: 'ow', name: 'Owner', type: 'people', people: {} },
    { id: 'dl', name: 'Deadline', type: 'date', date: {} },
  ];
  return [...base, ...extra.map((p, i) => ({ id: `x${i}`, ...p }) as PropertySchema)];
}

describe('notion adapter: property mapping and setup errors', () => {
  it('finds the properties by type when the config names none (a status, a multi-select, a people property)', async () => {
    const fx = await notion({}, { schema: schemaWith() });
    expect(await fx.adapter.listColumns()).toEqual(['Todo', 'Doing', 'Done']);
    const task = await fx.adapter.createTask({
      fields: { title: 'Mapped', status: 'Doing', labels: ['b', 'a'], assignee: 'carol', dueDate: '2031-02-03' },
      marker: 'm-5',
    });
    expect(task).toMatchObject({ status: 'Doing', labels: ['a', 'b'], assignee: 'carol', dueDate: '2031-02-03' });
    // No priority or parent property: writing one is refused by name, and the capability says so.
    expect(fx.adapter.capabilities.subtasks).toBe(false);
    const err = await rejection(fx.adapter.updateTask(task.id, { priority: 2 }));
    expect(err.message).toBe(
      'the Notion database "Tasks" has no property for priority: add one, or name it in properties.priority',
    );
  });

  it('a property the config names that is missing, or of the wrong type, is an error naming it and listing the database', async () => {
    const fx = await notion({}, { schema: schemaWith() });
    const base = { boardId: 'x', url: fx.fake.url, database: fx.fake.store.databaseId, token: fx.fake.token };
    const listing =
      'its properties: Name (title), Stage (status), Labels (multi_select), Owner (people), Deadline (date), Deckhand ID (rich_text)';
    await expect(new NotionAdapter({ ...base, properties: { labels: 'Tags' } }).connect()).rejects.toThrow(
      `properties.labels: the Notion database "Tasks" has no property "Tags"; ${listing}`,
    );
    await expect(new NotionAdapter({ ...base, properties: { assignee: 'Deadline' } }).connect()).rejects.toThrow(
      `properties.assignee: property "Deadline" is date, expected people; ${listing}`,
    );
    await expect(new NotionAdapter({ ...base, columnRoles: { review: 'QA' } }).connect()).rejects.toThrow(
      'columns.review: the Notion database "Tasks" has no status "QA"; statuses: Todo, Doing, Done',
    );
  });

  it('a database without a status or select property cannot be a board, and says what it has', async () => {
    const fx = await notion({}, { schema: schemaWith() });
    fx.fake.store.schema.delete('Stage');
    const adapter = new NotionAdapter({
      boardId: 'x',
      url: fx.fake.url,
      database: fx.fake.store.databaseId,
      token: fx.fake.token,
    });
    await expect(adapter.connect()).rejects.toThrow(
      /properties.status: .* has no status property \(or select\) to use as columns; its properties: Name \(title\), Labels/,
    );
  });

  it('a database the integration cannot see says to share it; a wrong secret is auth without the secret', async () => {
    const fx = await notion();
    const other = new NotionAdapter({
      boardId: 'x',
      url: fx.fake.url,
      database: '0123456789abcdef0123456789abcdef',
      token: fx.fake.token,
    });
    const missing = await rejection(other.connect());
    expect(missing.kind).toBe('invalid');
    expect(missing.message).toMatch(/share the database with the integration/);
    const bad = new NotionAdapter({
      boardId: 'x',
      url: fx.fake.url,
      database: fx.fake.store.databaseId,
      token: 'ntn_wrong0000',
    });
    const denied = await rejection(bad.connect());
    expect(denied.kind).toBe('auth');
    expect(denied.message).toContain('API token is invalid.');
    expect(denied.message).not.toContain('ntn_wrong0000');
  });

  it('adds the "Deckhand ID" property once, and finds a create whose answer was lost by it', async () => {
    const fx = await notion();
    expect(fx.fake.store.property('Deckhand ID')?.type).toBe('rich_text');
    fx.fake.fail({ when: (r) => r.method === 'POST' && r.path === '/pages', afterRun: true, status: 502 });
    expect((await rejection(fx.adapter.createTask({ fields: { title: 'Once' }, marker: 'once-1' }))).kind).toBe(
      'transient',
    );
    const found = await fx.adapter.findTaskByMarker('once-1');
    expect(found?.title).toBe('Once');
    expect([...fx.fake.store.pages.values()]).toHaveLength(1);
  });
});

describe('notion adapter: rate limit', () => {
  it("a 429 is rate_limited with Notion's Retry-After, and the SDK does not retry behind the engine's back", async () => {
    const fx = await notion({}, { rateLimit: { perSecond: 3, burst: 4 } });
    fx.fake.resetStats();
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => fx.adapter.listTasks()));
    const limited = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    expect(limited.length).toBeGreaterThan(0);
    for (const err of limited) expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 1000 });
    // One request per call: nothing was resent on its own.
    expect(fx.fake.stats.requests).toBe(8);
    expect(fx.fake.stats.throttled).toBe(limited.length);
  });
});

describe('notion webhooks', () => {
  const TOKEN = 'secret_abcdefghijkl0123';
  const event = (fx: NotionFixture, pageId: string, type = 'page.properties_updated') =>
    JSON.stringify({
      id: 'e-1',
      type,
      entity: { id: pageId, type: 'page' },
      data: { parent: { id: fx.fake.store.dataSourceId, type: 'database' } },
    });

  it('verifies X-Notion-Signature (sha256= HMAC of the raw body with the verification token)', async () => {
    const fx = await notion({ webhookSecret: TOKEN });
    const id = '11111111-2222-4333-8444-555555555555';
    const body = event(fx, id);
    const signed = { 'x-notion-signature': signHmac(body, TOKEN, SIGNATURE) };
    expect(fx.adapter.verifyWebhook(delivery(body, signed))).toEqual({
      deliveryId: 'notion-e-1',
      event: 'page.properties_updated',
      kind: 'task',
      taskIds: [id],
    });
    expect(() => fx.adapter.verifyWebhook(delivery(`${body} `, signed))).toThrow(WebhookRejected);
    expect(() => fx.adapter.verifyWebhook(delivery(body, {}))).toThrow(/missing X-Notion-Signature/);
    const bare = { 'x-notion-signature': signHmac(body, TOKEN, { ...SIGNATURE, prefix: '' }) };
    expect(() => fx.adapter.verifyWebhook(delivery(body, bare))).toThrow(/does not start with "sha256="/);
    // A page in another database the integration can see is not this board's.
    const foreign = body.replace(fx.fake.store.dataSourceId, '99999999-2222-4333-8444-555555555555');
    const hint = fx.adapter.verifyWebhook(
      delivery(foreign, { 'x-notion-signature': signHmac(foreign, TOKEN, SIGNATURE) }),
    );
    expect(hint.taskIds).toEqual([]);
  });

  it('the verification handshake: the first token is kept and then verifies events; another token is refused', async () => {
    const kept: string[] = [];
    const fx = await notion({ keepVerificationToken: async (t) => void kept.push(t) });
    const handshake = JSON.stringify({ verification_token: TOKEN });
    expect(fx.adapter.webhookConfigured()).toBe(true);
    expect(fx.adapter.verifyWebhook(delivery(handshake, {}))).toMatchObject({ event: 'verification', taskIds: [] });
    expect(kept).toEqual([TOKEN]);
    const body = event(fx, '11111111-2222-4333-8444-555555555555');
    expect(
      fx.adapter.verifyWebhook(delivery(body, { 'x-notion-signature': signHmac(body, TOKEN, SIGNATURE) })).taskIds,
    ).toHaveLength(1);
    // An unsigned request cannot replace the token a signed stream depends on.
    const forged = JSON.stringify({ verification_token: 'secret_forged000000000' });
    expect(() => fx.adapter.verifyWebhook(delivery(forged, {}))).toThrow(/another token than the configured one/);
    expect(kept).toEqual([TOKEN]);
  });

  it('without a token and nowhere to keep one, every event is refused', async () => {
    const fx = await notion();
    expect(fx.adapter.webhookConfigured()).toBe(false);
    const body = event(fx, '11111111-2222-4333-8444-555555555555');
    expect(() =>
      fx.adapter.verifyWebhook(delivery(body, { 'x-notion-signature': signHmac(body, TOKEN, SIGNATURE) })),
    ).toThrow(/no webhook secret is configured/);
  });
});

/**
 * Deckhand with an agent on the fake Notion, its webhook subscribed to Deckhand's listener (the handshake
 * stores the verification token in the keychain entry webhook.secret names), polling slow: once the first
 * listing has run, only webhooks bring changes in quickly.
 */
async function withWebhooks(
  agents: Parameters<typeof startHarness>[0]['agents'],
  extra: { settings?: Record<string, unknown>; config?: Record<string, unknown> } = {},
) {
  const fx = await notion();
  const harness = await startHarness({
    dir: tempDir(),
    agents,
    ...(extra.settings ? { settings: extra.settings } : {}),
    keychain: { 'notion-key': fx.fake.token },
    config: {
      boards: [
        {
          ...fx.configEntry,
          token: { keychain: 'notion-key' },
          webhook: { secret: { keychain: 'notion-hook' } },
          poll: { interval: '10m' },
          columns: fx.columns,
        },
      ],
      ...extra.config,
    },
  });
  cleanup.push(() => harness.close());
  const server = await startServer(harness.core, { host: '127.0.0.1', port: 0, staticDir: tempDir() });
  cleanup.push(() => server.close());
  await fx.fake.subscribe(`${server.url}/webhooks/no`);
  expect(fx.fake.deliveries[0]).toMatchObject({ signed: false, status: 202 });
  await new Promise((r) => setTimeout(r, 300));
  return { fx, harness };
}

const pickup = [
  {
    id: 'coder',
    board: 'no',
    workflow: 'pickup' as const,
    routes: { labels: ['needs-ai'] },
    provider: { type: 'command', command: EXAMPLE_AGENT },
  },
];

describe('notion through deckhand', () => {
  it('pickup (command agent) on Notion, with the webhook handshake and signed events: the notes and the move land', async () => {
    const { fx, harness } = await withWebhooks(pickup);
    const person = fx.fake.human('alice');
    const id = fx.humanCreate(person, { title: 'Check the cache', description: 'Why is it stale?' });
    fx.humanEdit(person, id, { labels: ['needs-ai'] });
    const run = await harness.runIn({ taskId: id }, ['done', 'failed'], 30_000);
    expect(run.state).toBe('done');
    await fx.fake.flushWebhooks();
    const signed = fx.fake.deliveries.filter((d) => d.signed);
    expect(signed.length).toBeGreaterThan(0);
    expect(signed.every((d) => d.status === 202 || d.status === 200)).toBe(true);
    const done = (await fx.adapter.getTask(id))!;
    expect(done.status).toBe('In review');
    expect(done.agentNotes).toContain('Read "Check the cache"');
    expect(done.description).toBe('Why is it stale?');
  });

  it("ask a human on Notion: the question is one comment; the person's answer resumes the run through the comment event", async () => {
    const { fx, harness } = await withWebhooks(pickup, {
      settings: { answerPollMs: 600_000 },
      config: { agent_defaults: { resume_on: 'answer' } },
    });
    const person = fx.fake.human('alice');
    const id = fx.humanCreate(person, {
      title: 'Pick a region',
      description: 'ask: Which region do we deploy to?',
      labels: ['needs-ai'],
    });
    await expectQuestionAnswered(harness, fx.adapter, {
      taskId: id,
      blocked: 'Blocked',
      answerText: 'eu-central-1',
      answer: () => person.comment(id, 'eu-central-1'),
    });
  });

  it('breakdown and digest on Notion: subtasks created once as sub-items, one digest page assigned to a person', async () => {
    const fx = await notion();
    const harness = await startHarness({
      dir: tempDir(),
      agents: plannerAndSecretary('no', 'alice'),
      keychain: { 'notion-key': fx.fake.token },
      config: {
        boards: [
          { ...fx.configEntry, token: { keychain: 'notion-key' }, poll: { interval: '2s' }, columns: fx.columns },
        ],
      },
    });
    cleanup.push(() => harness.close());
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
    // A full listing sees our own creates as echoes: no new run, no second set of children.
    await harness.core.engine.runner('no').fullReconcile();
    await harness.core.agents.whenIdle();
    expect(await children()).toHaveLength(2);

    await expectOneDigest(harness, (id) => fx.adapter.getTask(id), 'alice');
  });
});
