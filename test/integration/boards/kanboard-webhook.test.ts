import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../../../src/main/core/boards/contract/adapter';
import { WebhookRejected } from '../../../src/main/core/boards/contract/errors';
import { KanboardAdapter } from '../../../src/main/core/boards/kanboard';
import type { FakeKanboard } from '../../fakes/kanboard';
import { startKanboard } from '../../boards/kanboard';

const HOOK_TOKEN = 'kb-webhook-token-5f2a9c';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

/** Where the fake Kanboard posts: records each delivery as Deckhand's HTTP server would receive it. */
async function capture(): Promise<{ url: string; deliveries: WebhookDelivery[] }> {
  const deliveries: WebhookDelivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      deliveries.push({ headers: req.headers, query: url.searchParams, rawBody: Buffer.concat(chunks) });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/kb`, deliveries };
}

async function setup(): Promise<{ fake: FakeKanboard; adapter: KanboardAdapter; deliveries: WebhookDelivery[] }> {
  const { fake, adapter: plain, board } = await startKanboard('app');
  cleanup.push(() => fake.stop());
  const adapter = new KanboardAdapter({
    boardId: 'kb',
    url: fake.url,
    project: board.projectName,
    token: board.appToken,
    webhookToken: HOOK_TOKEN,
  });
  await adapter.connect();
  void plain;
  const hook = await capture();
  fake.setWebhook(hook.url, HOOK_TOKEN);
  return { fake, adapter, deliveries: hook.deliveries };
}

function rejected(fn: () => unknown): WebhookRejected {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookRejected);
    return err as WebhookRejected;
  }
  throw new Error('the delivery was accepted');
}

const delivery = (body: string, token: string | null = HOOK_TOKEN): WebhookDelivery => ({
  headers: { 'content-type': 'application/json' },
  query: new URLSearchParams(token === null ? '' : `token=${encodeURIComponent(token)}`),
  rawBody: Buffer.from(body),
});

describe('kanboard webhooks', () => {
  it('turns real Kanboard events into hints naming the tasks', async () => {
    const { fake, adapter, deliveries } = await setup();
    const human = fake.human('alice');
    const a = await adapter.createTask({ fields: { title: 'A' }, marker: 'wa' });
    const b = await adapter.createTask({ fields: { title: 'B' }, marker: 'wb' });
    deliveries.length = 0;
    await human.updateTask(Number(a.id), { title: 'A, edited' });
    await human.updateTask(Number(a.id), { assignee: 'bob' });
    await human.moveTask(Number(a.id), 'Ready');
    await human.comment(Number(b.id), 'a comment');
    await human.link(Number(a.id), Number(b.id), 'is a child of');
    await human.closeTask(Number(b.id));
    const hints = deliveries.map((d) => adapter.verifyWebhook(d));
    expect(hints.map((h) => [h.event, h.taskIds])).toEqual([
      ['task.update', [a.id]],
      ['task.assignee_change', [a.id]],
      ['task.move.column', [a.id]],
      ['comment.create', [b.id]],
      ['task_internal_link.create_update', [a.id, b.id]],
      ['task_internal_link.create_update', [b.id, a.id]],
      ['task.close', [b.id]],
    ]);
    expect(deliveries[0]!.headers['user-agent']).toBe('Kanboard');
    expect(new Set(hints.map((h) => h.deliveryId)).size).toBe(hints.length);
  });

  it('gives a redelivered body the same delivery id', async () => {
    const { fake, adapter, deliveries } = await setup();
    const task = await adapter.createTask({ fields: { title: 'Twice' }, marker: 'tw' });
    await fake.human('alice').updateTask(Number(task.id), { title: 'Twice!' });
    const original = deliveries.at(-1)!;
    const replay = delivery(original.rawBody.toString('utf8'));
    expect(adapter.verifyWebhook(replay).deliveryId).toBe(adapter.verifyWebhook(original).deliveryId);
    expect(adapter.verifyWebhook(original).deliveryId).toMatch(/^kb-[0-9a-f]{32}$/);
  });

  it('rejects a missing or wrong token with 401, and garbage with 400', async () => {
    const { adapter } = await setup();
    const body = JSON.stringify({ event_name: 'task.update', event_data: { task_id: 1 }, event_author: null });
    expect(rejected(() => adapter.verifyWebhook(delivery(body, null))).status).toBe(401);
    expect(rejected(() => adapter.verifyWebhook(delivery(body, ''))).status).toBe(401);
    expect(rejected(() => adapter.verifyWebhook(delivery(body, `${HOOK_TOKEN}x`))).status).toBe(401);
    expect(rejected(() => adapter.verifyWebhook(delivery(body, 'short'))).status).toBe(401);
    expect(rejected(() => adapter.verifyWebhook(delivery('{not json'))).status).toBe(400);
    expect(rejected(() => adapter.verifyWebhook(delivery('[]'))).status).toBe(400);
    expect(rejected(() => adapter.verifyWebhook(delivery('{"event_name":"task.update"}'))).status).toBe(400);
    expect(rejected(() => adapter.verifyWebhook(delivery('{"event_data":{}}'))).status).toBe(400);
    // Bad JSON with a wrong token is a token problem first: nothing about the body leaks to an unauthenticated caller.
    expect(rejected(() => adapter.verifyWebhook(delivery('{not json', 'nope'))).status).toBe(401);
    expect(adapter.verifyWebhook(delivery(body))).toMatchObject({ event: 'task.update', taskIds: ['1'] });
  });

  it('refuses every delivery when no webhook token is configured', async () => {
    const { fake, board } = await startKanboard('app');
    cleanup.push(() => fake.stop());
    const adapter = new KanboardAdapter({ boardId: 'kb', url: fake.url, project: 1, token: board.appToken });
    const body = JSON.stringify({ event_name: 'task.update', event_data: { task_id: 1 } });
    expect(rejected(() => adapter.verifyWebhook(delivery(body))).message).toMatch(/webhook\.token/);
  });

  it('ignores tasks of other projects, except one moved out of this project', async () => {
    const { adapter } = await setup();
    const other = (event: string): string =>
      JSON.stringify({
        event_name: event,
        event_data: { task_id: 77, task: { id: 77, project_id: 99 } },
        event_author: 'x',
      });
    expect(adapter.verifyWebhook(delivery(other('task.update'))).taskIds).toEqual([]);
    expect(adapter.verifyWebhook(delivery(other('task.move.project'))).taskIds).toEqual(['77']);
  });
});
