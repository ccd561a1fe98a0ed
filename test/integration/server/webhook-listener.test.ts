import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import {
  DEFAULT_WEBHOOK_PORT,
  startWebhookListener,
  webhookListenerOptions,
} from '../../../src/main/core/server/webhook-listener';
import { createNotifier, type DesktopNote } from '../../../src/main/shell/notifications';
import type { BoardSummary } from '../../../src/shared/model';
import { FakeKanboard, seedStandardBoard } from '../../fakes/kanboard';
import { waitFor } from '../agents/harness';
import { writeKanboardConfig } from '../../helpers/kanboard-config';
import { useTempDirs } from '../../helpers/tmp';

/**
 * The desktop app's webhook listener on a real port: a Kanboard webhook (the fake server posting over HTTP, as
 * Kanboard does) reaches the engine, the board's webhook status says so, refusals say why, and nothing but
 * `POST /webhooks/<id>` is served.
 */
const tempDir = useTempDirs();
const HOOK_TOKEN = 'hook-token-listener-19ab';
/** Boards post JSON; anything else is refused with 415 before the board is asked. */
const JSON_TYPE = { 'content-type': 'application/json' };
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function boot(webhookToken: string | null = HOOK_TOKEN): Promise<{ fake: FakeKanboard; core: Core }> {
  const fake = await FakeKanboard.start();
  cleanup.push(() => fake.stop());
  const board = seedStandardBoard(fake, { tasks: 1 });
  const dir = tempDir();
  const { configPath, secrets } = writeKanboardConfig(dir, fake, board, {
    ...(webhookToken ? { webhookToken } : {}),
    poll: '60s',
  });
  const core = await createCore({ dataDir: join(dir, 'data'), configPath, secrets });
  cleanup.push(() => core.close());
  return { fake, core };
}

const kb = (core: Core): BoardSummary => core.getState().boards.find((b) => b.id === 'kb')!;

describe('desktop webhook listener', () => {
  it('takes a Kanboard delivery to the engine and reports it on the board', async () => {
    const { fake, core } = await boot();
    expect(core.getState().webhooks).toEqual({ error: 'no webhook listener is running' });
    expect(kb(core).webhook).toEqual({ configured: true });

    const listener = (await startWebhookListener(core, { host: '127.0.0.1', port: 0 }))!;
    cleanup.push(() => listener.close());
    expect(listener.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(core.getState().webhooks).toEqual({ url: listener.url });

    fake.setWebhook(`${listener.url}/webhooks/kb`, HOOK_TOKEN);
    const id = await fake.human('alice').createTask(1, { title: 'Pushed, not polled', column: 'Backlog' });
    // The poll is a minute away: only the webhook can bring the task in this fast.
    await waitFor(() => core.engine.base.get('kb', String(id)), 5_000, 'the webhook to bring the task in');
    expect(kb(core).webhook?.lastAcceptedAt).toBeDefined();
    expect(fake.deliveries.at(-1)?.status).toBe(202);
  });

  it('refuses a delivery with the wrong token and says why on the board', async () => {
    const { core } = await boot();
    const listener = (await startWebhookListener(core, { host: '127.0.0.1', port: 0 }))!;
    cleanup.push(() => listener.close());
    const response = await fetch(`${listener.url}/webhooks/kb?token=not-the-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event_name: 'task.create', event_data: { task_id: 1, task: { project_id: 1 } } }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ ok: false, message: 'wrong webhook token' });
    expect(kb(core).webhook).toMatchObject({ configured: true, lastRejection: 'wrong webhook token' });
    expect(kb(core).webhook?.lastRejectedAt).toBeDefined();
    expect(kb(core).webhook?.lastAcceptedAt).toBeUndefined();
  });

  it('refused deliveries raise one desktop notification per reason (the notifier on the real core)', async () => {
    const { core } = await boot();
    const listener = (await startWebhookListener(core, { host: '127.0.0.1', port: 0 }))!;
    cleanup.push(() => listener.close());
    const shown: DesktopNote[] = [];
    const notifier = createNotifier({
      events: core.events,
      getState: core.getState,
      enabled: () => true,
      show: (note) => shown.push(note),
      batchMs: 20,
    });
    cleanup.push(async () => notifier.dispose());
    for (let i = 0; i < 3; i++) {
      await fetch(`${listener.url}/webhooks/kb?token=stale-token`, { method: 'POST', body: '{}', headers: JSON_TYPE });
      await new Promise((r) => setTimeout(r, 100));
    }
    await waitFor(() => shown[0], 5_000, 'the notification');
    expect(shown).toEqual([
      expect.objectContaining({ group: 'webhook', title: 'kb webhook deliveries are refused', view: 'boards' }),
    ]);
    expect(shown[0]!.body).toContain('wrong webhook token');
  });

  it('a board without a webhook token is shown as not set up, and its deliveries are refused', async () => {
    const { core } = await boot(null);
    expect(kb(core).webhook).toEqual({ configured: false });
    const listener = (await startWebhookListener(core, { host: '127.0.0.1', port: 0 }))!;
    cleanup.push(() => listener.close());
    const response = await fetch(`${listener.url}/webhooks/kb?token=anything`, {
      method: 'POST',
      body: '{}',
      headers: JSON_TYPE,
    });
    expect(response.status).toBe(401);
    expect(kb(core).webhook?.lastRejection).toMatch(/no webhook token is configured/);
  });

  it('serves nothing but webhooks: no UI, no API, no other method', async () => {
    const { core } = await boot();
    const listener = (await startWebhookListener(core, { host: '127.0.0.1', port: 0 }))!;
    cleanup.push(() => listener.close());
    expect((await fetch(`${listener.url}/`)).status).toBe(404);
    expect((await fetch(`${listener.url}/api/health`)).status).toBe(404);
    const call = await fetch(`${listener.url}/api/call/getState`, { method: 'POST', body: '{}' });
    expect(call.status).toBe(404);
    expect(await call.text()).not.toContain('boards');
    expect((await fetch(`${listener.url}/webhooks/kb`)).status).toBe(405);
    expect(
      (await fetch(`${listener.url}/webhooks/nope?token=x`, { method: 'POST', body: '{}', headers: JSON_TYPE })).status,
    ).toBe(404);
  });

  it('a taken port is reported on the state (polling goes on), not a crash', async () => {
    const { core } = await boot();
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => squatter.close(() => r())));
    const port = (squatter.address() as AddressInfo).port;
    expect(await startWebhookListener(core, { host: '127.0.0.1', port })).toBeNull();
    expect(core.getState().webhooks.error).toBe(
      `port ${port} on 127.0.0.1 is in use (another Deckhand?); boards are polled instead`,
    );
  });
});

describe('webhookListenerOptions', () => {
  it('defaults to 127.0.0.1 and the desktop port, and names a bad variable', () => {
    expect(webhookListenerOptions({})).toEqual({ host: '127.0.0.1', port: DEFAULT_WEBHOOK_PORT });
    expect(webhookListenerOptions({ DECKHAND_WEBHOOK_HOST: '0.0.0.0', DECKHAND_WEBHOOK_PORT: '9000' })).toEqual({
      host: '0.0.0.0',
      port: 9000,
    });
    for (const bad of ['0', '70000', '80a', '-1', '1.5']) {
      expect(() => webhookListenerOptions({ DECKHAND_WEBHOOK_PORT: bad })).toThrow(
        `DECKHAND_WEBHOOK_PORT must be a port number from 1 to 65535 (got "${bad}")`,
      );
    }
  });
});
