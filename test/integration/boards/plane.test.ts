import { afterEach, describe, expect, it } from 'vitest';
import { WebhookRejected } from '../../../src/main/core/boards/contract/errors';
import { PlaneAdapter } from '../../../src/main/core/boards/plane/adapter';
import { startServer } from '../../../src/main/core/server/http-server';
import { signHmac } from '../../../src/main/core/boards/kit/webhooks/verify';
import { startPlaneFixture, type PlaneFixture } from '../../boards/plane';
import { useTempDirs } from '../../helpers/tmp';
import {
  EXAMPLE_AGENT,
  expectOneDigest,
  expectQuestionAnswered,
  plannerAndSecretary,
  startHarness,
} from '../agents/harness';
import { rejection } from '../../helpers/board-errors';

/** The Plane adapter on the fake Plane: what the conformance suite does not cover. */
const tempDir = useTempDirs();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function plane(...args: Parameters<typeof startPlaneFixture>): Promise<PlaneFixture> {
  const fx = await startPlaneFixture(...args);
  cleanup.push(() => fx.stop());
  return fx;
}

const delivery = (body: string, headers: Record<string, string>) => ({
  headers,
  query: new URLSearchParams(),
  rawBody: Buffer.from(body),
});
const SCHEME = { header: 'X-Plane-Signature', algorithm: 'sha256', encoding: 'hex' } as const;

describe('plane adapter', () => {
  it('keeps agent notes in a marked section of the description; a person editing the text keeps them', async () => {
    const { adapter, fake } = await plane();
    const task = await adapter.createTask({ fields: { title: 'Fix login', description: 'It fails.' }, marker: 'm-1' });
    await adapter.updateTask(task.id, { agentNotes: 'Found the cause.\n\nA stale cookie.' });
    expect(fake.workItem(task.id)!.description_html).toContain('Agent notes');
    await fake.human('alice').update(task.id, {
      description: fake.workItem(task.id)!.description_html!.replace('It fails.', 'It fails on Safari.'),
    });
    const after = (await adapter.getTask(task.id))!;
    expect(after.description).toBe('It fails on Safari.');
    expect(after.agentNotes).toBe('Found the cause.\n\nA stale cookie.');
  });

  it('an idle poll is one small request, sorted newest first, and stops at the watermark', async () => {
    const { adapter, fake } = await plane();
    // People create work items apart in time; a burst inside one millisecond would share the watermark.
    for (let i = 0; i < 30; i++) {
      await fake.human('alice').createWorkItem({ name: `Task ${i}` });
      await new Promise((r) => setTimeout(r, 3));
    }
    const first = await adapter.listChangedSince(null);
    expect(first.tasks).toHaveLength(30);
    fake.resetStats();
    const idle = await adapter.listChangedSince(first.watermark);
    expect(fake.stats.requests).toBe(1);
    expect(fake.stats.requestLog[0]!.path).toContain('order_by=-updated_at');
    // Only what sits at the watermark itself repeats (the listing is inclusive; the engine dedupes by version).
    for (const t of idle.tasks) expect(Date.parse(t.updatedAt)).toBe(Date.parse(first.watermark!));
    await fake.human('bob').moveTo(first.tasks[29]!.id, 'Done');
    const changed = await adapter.listChangedSince(idle.watermark);
    expect(changed.tasks.map((t) => t.status)).toContain('Done');
  });

  it('a create whose answer was lost is not duplicated: the retry meets the 409 and returns the first item', async () => {
    const { adapter, fake } = await plane();
    fake.fail({ when: (r) => r.method === 'POST' && r.route.endsWith('/work-items/'), afterRun: true, status: 502 });
    const lost = await rejection(adapter.createTask({ fields: { title: 'Once' }, marker: 'once-1' }));
    expect(lost.kind).toBe('transient');
    const retried = await adapter.createTask({ fields: { title: 'Once' }, marker: 'once-1' });
    expect(retried.marker).toBe('once-1');
    expect(fake.store.projectIssues(fake.projectId).filter((i) => i.name === 'Once')).toHaveLength(1);

    fake.fail({ when: (r) => r.method === 'POST' && r.route.endsWith('/comments/'), afterRun: true, destroy: true });
    await rejection(adapter.addComment(retried.id, 'A note', 'c-1'));
    await adapter.addComment(retried.id, 'A note', 'c-1');
    expect((await adapter.listComments(retried.id)).filter((c) => c.marker === 'c-1')).toHaveLength(1);
  });

  it('maps 429 to rate_limited with the wait Plane asks for, and a bad key to auth naming what to check', async () => {
    const { adapter, fake } = await plane();
    fake.fail({
      status: 429,
      headers: { 'retry-after': '17' },
      body: '{"error_code":5900,"error_message":"RATE_LIMIT_EXCEEDED"}',
    });
    const limited = await rejection(adapter.listTasks());
    expect(limited).toMatchObject({ kind: 'rate_limited', retryAfterMs: 17_000 });

    const bad = new PlaneAdapter({
      boardId: 'x',
      url: fake.url,
      workspace: fake.workspaceSlug,
      project: 'DEMO',
      token: 'wrong-key-0000',
    });
    const denied = await rejection(bad.connect());
    expect(denied.kind).toBe('auth');
    expect(denied.message).toContain('Given API token is not valid');
    expect(denied.message).not.toContain('wrong-key-0000');
  });

  it('names the projects there are when the project is wrong, and the states when a column role is wrong', async () => {
    const { fake } = await plane();
    const base = { boardId: 'x', url: fake.url, workspace: fake.workspaceSlug, token: fake.apiKey };
    await expect(new PlaneAdapter({ ...base, project: 'NOPE' }).connect()).rejects.toThrow(
      'Plane project "NOPE" not found in workspace; projects: DEMO (Demo)',
    );
    await expect(
      new PlaneAdapter({ ...base, project: 'DEMO', columnRoles: { review: 'QA' } }).connect(),
    ).rejects.toThrow(/columns.review: Plane project DEMO has no state "QA"; states: Backlog, Todo/);
  });

  it('verifies X-Plane-Signature over the raw body; a comment event is a comment hint for its work item', async () => {
    const { adapter, fake } = await plane({ webhookSecret: 'plane_wh_abc' });
    const body = JSON.stringify({
      event: 'issue_comment',
      action: 'created',
      webhook_id: 'w',
      workspace_id: 'ws',
      data: { id: 'c1', issue: 'i-1', project: fake.projectId },
      activity: {},
    });
    const signed = { 'x-plane-signature': signHmac(body, 'plane_wh_abc', SCHEME), 'x-plane-delivery': 'd-1' };
    expect(adapter.verifyWebhook(delivery(body, signed))).toEqual({
      deliveryId: 'plane-d-1',
      event: 'issue_comment.created',
      kind: 'comment',
      taskIds: ['i-1'],
    });
    expect(() => adapter.verifyWebhook(delivery(`${body} `, signed))).toThrow(WebhookRejected);
    expect(() => adapter.verifyWebhook(delivery(body, {}))).toThrow(/missing X-Plane-Signature/);
    const other = body.replace(fake.projectId, 'another-project');
    const foreign = adapter.verifyWebhook(
      delivery(other, { 'x-plane-signature': signHmac(other, 'plane_wh_abc', SCHEME) }),
    );
    expect(foreign.taskIds).toEqual([]);
  });
});

/**
 * Deckhand with a pickup agent on the fake Plane, its webhook signed and pointed at Deckhand's listener,
 * polling slow: once the first listing has run, only webhooks bring changes in quickly.
 */
async function pickupWithWebhooks(extra: { settings?: Record<string, unknown>; config?: Record<string, unknown> }) {
  const fx = await plane();
  const harness = await startHarness({
    dir: tempDir(),
    agents: [
      {
        id: 'coder',
        board: 'pl',
        workflow: 'pickup',
        routes: { labels: ['needs-ai'] },
        provider: { type: 'command', command: EXAMPLE_AGENT },
      },
    ],
    ...(extra.settings ? { settings: extra.settings } : {}),
    keychain: { 'plane-key': fx.fake.apiKey, 'plane-hook': 'plane_wh_secret' },
    config: {
      boards: [
        {
          ...fx.configEntry,
          token: { keychain: 'plane-key' },
          webhook: { secret: { keychain: 'plane-hook' } },
          poll: { interval: '10m' },
        },
      ],
      ...extra.config,
    },
  });
  cleanup.push(() => harness.close());
  const server = await startServer(harness.core, { host: '127.0.0.1', port: 0, staticDir: tempDir() });
  cleanup.push(() => server.close());
  fx.fake.setWebhook({ url: `${server.url}/webhooks/pl`, secret: 'plane_wh_secret' });
  await new Promise((r) => setTimeout(r, 300));
  return { fx, harness };
}

describe('plane through deckhand', () => {
  it('pickup (command agent) on Plane, with signed webhooks: a person labels a work item, the notes and the move land', async () => {
    const { fx, harness } = await pickupWithWebhooks({});

    const item = await fx.fake
      .human('alice')
      .createWorkItem({ name: 'Check the cache', description: '<p>Why is it stale?</p>' });
    fx.fake.store.createLabel(fx.fake.projectId, { name: 'needs-ai' }, null);
    await fx.fake.human('alice').setLabels(item.id, ['needs-ai']);
    const run = await harness.runIn({ taskId: item.id }, ['done', 'failed'], 30_000);
    expect(run.state).toBe('done');
    await fx.fake.flushWebhooks();
    expect(
      fx.fake.deliveries.filter((d) => d.status !== undefined && d.status >= 200 && d.status < 300).length,
    ).toBeGreaterThan(0);
    const done = (await fx.adapter.getTask(item.id))!;
    expect(done.status).toBe('In Review');
    expect(done.agentNotes).not.toBe('');
    expect(done.description).toBe('Why is it stale?');
  });

  it("ask a human on Plane: the question is one comment; an answer from Deckhand's own account resumes the run at once", async () => {
    // Answer polling off, board polling slow: only the comment webhook can wake the run.
    const { fx, harness } = await pickupWithWebhooks({
      settings: { answerPollMs: 600_000 },
      config: { agent_defaults: { resume_on: 'answer' } },
    });

    // The solo developer: the same Plane account as Deckhand's API key.
    const person = fx.fake.human(fx.fake.botUser.display_name);
    fx.fake.store.createLabel(fx.fake.projectId, { name: 'needs-ai' }, null);
    const item = await person.createWorkItem({
      name: 'Pick a region',
      description: '<p>ask: Which region do we deploy to?</p>',
      labels: ['needs-ai'],
    });
    await expectQuestionAnswered(harness, fx.adapter, {
      taskId: item.id,
      answerText: 'eu-central-1',
      answer: () => person.comment(item.id, '<p>eu-central-1</p>'),
    });
  });

  it('breakdown and digest on Plane: subtasks created once as child work items, one digest work item assigned to a member', async () => {
    const fx = await plane();
    fx.fake.store.createLabel(fx.fake.projectId, { name: 'epic' }, null);
    const harness = await startHarness({
      dir: tempDir(),
      agents: plannerAndSecretary('pl', 'alice'),
      keychain: { 'plane-key': fx.fake.apiKey },
      config: { boards: [{ ...fx.configEntry, token: { keychain: 'plane-key' }, poll: { interval: '2s' } }] },
    });
    cleanup.push(() => harness.close());
    const epic = await fx.fake.human('alice').createWorkItem({
      name: 'Ship the importer',
      description: '<p>Plan:<br>- Parse the CSV (3h)<br>- Map columns to fields (1d)</p>',
      labels: ['epic'],
    });
    const run = await harness.runIn({ taskId: epic.id }, ['done', 'failed'], 30_000);
    expect(run.outcome).toMatch(/^completed; 2 subtask\(s\) created/);
    const children = fx.fake.store.projectIssues(fx.fake.projectId).filter((i) => i.parent === epic.id);
    expect(children.map((c) => c.name).sort()).toEqual(['Map columns to fields', 'Parse the CSV']);
    expect((await fx.adapter.getTask(epic.id))!.agentNotes).toContain('Subtasks (2');
    // A full listing sees our own creates as echoes: no new run, no second set of children.
    await harness.core.engine.runner('pl').fullReconcile();
    await harness.core.agents.whenIdle();
    expect(fx.fake.store.projectIssues(fx.fake.projectId).filter((i) => i.parent === epic.id)).toHaveLength(2);

    await expectOneDigest(harness, (id) => fx.adapter.getTask(id), 'alice');
  });
});
