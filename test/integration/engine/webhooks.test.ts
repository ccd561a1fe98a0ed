/**
 * Webhook intake end to end: a fake board that signs its webhooks (test/fakes/signed-board)
 * plugged into a real core, deliveries posted over real HTTP on 127.0.0.1 to
 * `POST /webhooks/<boardId>`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { LocalBoardAdapter } from '../../../src/main/core/boards/local/local-adapter';
import { LocalBoardStore } from '../../../src/main/core/boards/local/local-board-store';
import type { HumanChange } from '../../../src/main/core/engine/board-context';
import { startServer, type RunningServer } from '../../../src/main/core/server/http-server';
import { closeDatabase, openDatabase } from '../../../src/main/core/store/database';
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  SignedBoardAdapter,
  sign,
  signedDelivery,
  TIMESTAMP_HEADER,
  type SignedDelivery,
} from '../../fakes/signed-board';
import { closeCore, HUMAN, sleep, waitFor } from '../../helpers/engine';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();
const BOARD = 'signed';
const SECRET = 'test-webhook-secret-0123456789';

interface Rig {
  core: Core;
  server: RunningServer;
  url: string;
  board: LocalBoardStore;
  adapter: SignedBoardAdapter;
  triggers: HumanChange[];
  taskId: string;
  post(delivery: SignedDelivery | { body: string | Buffer; headers: Record<string, string> }): Promise<Response>;
  /** The engine's view: the sync log of the board and its base. */
  snapshot(): { log: unknown[]; base: unknown[] };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(): Promise<Rig> {
  // The board's side: its own database, like a remote board's server.
  const boardDb = openDatabase(tempDir());
  const board = new LocalBoardStore(boardDb);
  const adapter = new SignedBoardAdapter({
    inner: new LocalBoardAdapter({ store: board, boardId: BOARD }),
    secret: SECRET,
  });
  const taskId = board.createTask(BOARD, { title: 'Signed task', status: 'To do' }, HUMAN).id;
  board.createTask(BOARD, { title: 'Another task', status: 'Backlog' }, HUMAN);

  const triggers: HumanChange[] = [];
  const core = await createCore({
    dataDir: tempDir(),
    startEngine: false,
    hooks: { onHumanChange: (change) => triggers.push(change) },
    runner: { requestsPerMinute: 1_000_000 },
  });
  core.engine.addBoard(adapter);
  const server = await startServer(core, { host: '127.0.0.1', port: 0, staticDir: tempDir() });
  cleanups.push(async () => {
    await server.close();
    await closeCore(core);
    closeDatabase(boardDb);
  });
  await core.engine.runner(BOARD).fullReconcile();
  triggers.length = 0;
  for (const key of Object.keys(adapter.calls)) delete adapter.calls[key];

  const url = `${server.url}/webhooks/${BOARD}`;
  return {
    core,
    server,
    url,
    board,
    adapter,
    triggers,
    taskId,
    post: (d) => fetch(url, { method: 'POST', headers: d.headers, body: d.body }),
    snapshot: () => ({
      log: [...core.logEntries({ boardId: BOARD })],
      base: core.engine.base.all(BOARD),
    }),
  };
}

/** Lets any hint the engine accepted reach the board and back (coalescing window plus slack), then flushes. */
async function settle(r: Rig): Promise<void> {
  await sleep(60);
  await r.core.engine.runner(BOARD).flushHints();
}

describe('webhook burst: five identical deliveries plus a poll', () => {
  it('give one reconcile and one agent trigger', async () => {
    const r = await rig();
    r.board.updateTask(BOARD, r.taskId, { status: 'Work in progress' }, HUMAN);
    const delivery = signedDelivery(SECRET, { deliveryId: 'delivery-1', taskIds: [r.taskId] });

    const started = Date.now();
    const sent = [1, 2, 3, 4, 5].map(() => r.post(delivery));
    const poll = r.core.engine.runner(BOARD).poll();
    const dispatchedWithin = Date.now() - started;
    const responses = await Promise.all(sent);
    await poll;
    expect(dispatchedWithin).toBeLessThan(50);

    const statuses = responses.map((res) => res.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 202]);
    await waitFor(() => r.triggers.length > 0, 2_000, 'the agent trigger');
    await settle(r);

    expect(r.triggers).toHaveLength(1);
    expect(r.triggers[0]).toMatchObject({ boardId: BOARD, fields: ['status'], task: { id: r.taskId } });
    const changes = [...r.core.logEntries({ boardId: BOARD, action: 'field.changed' })];
    expect(changes).toEqual([
      expect.objectContaining({ taskId: r.taskId, field: 'status', after: 'Work in progress', actor: 'human' }),
    ]);
    // Four repeats were dropped by delivery id: the board was re-read once for the webhook (and listed once by the poll).
    expect(r.adapter.calls.getTask ?? 0).toBe(1);
    expect(r.adapter.calls.listChangedSince).toBe(1);
  });

  it('five distinct deliveries of the same change plus a poll still give one reconcile and one trigger', async () => {
    const r = await rig();
    r.board.updateTask(BOARD, r.taskId, { labels: ['urgent'] }, HUMAN);
    const deliveries = [1, 2, 3, 4, 5].map((i) =>
      signedDelivery(SECRET, { deliveryId: `delivery-${i}`, taskIds: [r.taskId] }),
    );
    const sent = deliveries.map((d) => r.post(d));
    const poll = r.core.engine.runner(BOARD).poll();
    const responses = await Promise.all(sent);
    await poll;
    expect(responses.map((res) => res.status)).toEqual([202, 202, 202, 202, 202]);
    await waitFor(() => r.triggers.length > 0, 2_000, 'the agent trigger');
    await settle(r);

    expect(r.triggers).toHaveLength(1);
    expect([...r.core.logEntries({ boardId: BOARD, action: 'field.changed' })]).toHaveLength(1);
    // Hints arriving together are coalesced; the engine re-reads the task at most once per flush.
    expect(r.adapter.calls.getTask ?? 0).toBeLessThanOrEqual(5);
  });
});

describe('bad webhooks change nothing', () => {
  it('rejects forged, altered, stale, oversized and malformed deliveries with 401/400/413', async () => {
    const r = await rig();
    // A change the engine has not seen: any delivery wrongly let through would log it.
    r.board.updateTask(BOARD, r.taskId, { status: 'Done' }, HUMAN);
    const before = r.snapshot();
    const ok = (id: string, over: { timestampMs?: number; taskIds?: string[] } = {}) =>
      signedDelivery(SECRET, { deliveryId: id, taskIds: over.taskIds ?? [r.taskId], ...over });

    const forged = signedDelivery('not-the-secret', { deliveryId: 'forged', taskIds: [r.taskId] });
    const original = ok('altered');
    const altered = { headers: original.headers, body: original.body.replace(`"${r.taskId}"`, '"2"') };
    const unsigned = ok('unsigned');
    delete unsigned.headers[SIGNATURE_HEADER];
    const badHeader = ok('bad-header');
    badHeader.headers[SIGNATURE_HEADER] = 'md5=abc';
    const stale = ok('stale', { timestampMs: Date.now() - 6 * 60_000 });
    const future = ok('future', { timestampMs: Date.now() + 6 * 60_000 });
    const swappedId = ok('swapped');
    swappedId.headers[DELIVERY_HEADER] = 'another-id';
    const noId = ok('no-id');
    delete noId.headers[DELIVERY_HEADER];
    const noTimestamp = ok('no-timestamp');
    delete noTimestamp.headers[TIMESTAMP_HEADER];
    const garbage = '{"deliveryId": "garbage", "taskIds": [';
    const malformed = {
      body: garbage,
      headers: { ...ok('garbage').headers, [SIGNATURE_HEADER]: sign(SECRET, garbage) },
    };
    const wrongShape = (() => {
      const ts = String(Math.floor(Date.now() / 1000));
      const body = JSON.stringify({ deliveryId: 'shape', timestamp: ts, event: 'task.updated', taskIds: 'all' });
      return { body, headers: { ...ok('shape').headers, [SIGNATURE_HEADER]: sign(SECRET, body) } };
    })();
    const hugeBody = JSON.stringify({ ...JSON.parse(ok('huge').body), padding: 'x'.repeat(300 * 1024) });
    const oversized = {
      body: hugeBody,
      headers: { ...ok('huge').headers, [SIGNATURE_HEADER]: sign(SECRET, hugeBody) },
    };

    const cases: [string, { body: string | Buffer; headers: Record<string, string> }, number][] = [
      ['wrong signature', forged, 401],
      ['altered body', altered, 401],
      ['no signature', unsigned, 401],
      ['malformed signature header', badHeader, 401],
      ['stale timestamp', stale, 401],
      ['timestamp from the future', future, 401],
      ['delivery id swapped on a captured delivery', swappedId, 401],
      ['no delivery id', noId, 400],
      ['no timestamp', noTimestamp, 400],
      ['malformed JSON', malformed, 400],
      ['JSON of the wrong shape', wrongShape, 400],
      ['oversized (>256 KB)', oversized, 413],
    ];
    for (const [what, delivery, status] of cases) {
      const res = await r.post(delivery);
      expect(res.status, what).toBe(status);
      expect(((await res.json()) as { ok: boolean }).ok, what).toBe(false);
    }
    expect((await fetch(r.url)).status).toBe(405);
    const local = await fetch(`${r.server.url}/webhooks/local`, { method: 'POST', ...ok('local') });
    expect(local.status).toBe(404); // the built-in board takes no webhooks
    expect((await fetch(`${r.server.url}/webhooks/nope`, { method: 'POST', ...ok('nope') })).status).toBe(404);

    await settle(r);
    expect(r.snapshot()).toEqual(before);
    expect(r.triggers).toEqual([]);
    expect(r.adapter.calls.getTask ?? 0).toBe(0);

    // A rejected delivery does not burn its id: the board's genuine delivery with that id still counts.
    const genuine = await r.post(ok('forged'));
    expect(genuine.status).toBe(202);
    await waitFor(() => r.triggers.length === 1, 2_000, 'the genuine delivery');
  });

  it('refuses a non-JSON Content-Type and any Content-Encoding with 415, and accepts JSON with a charset', async () => {
    const r = await rig();
    r.board.updateTask(BOARD, r.taskId, { status: 'Done' }, HUMAN);
    const before = r.snapshot();
    // Correctly signed, so only the format can be the reason for a refusal. A Buffer body, because fetch
    // would add text/plain to a string body without a Content-Type.
    const withHeaders = (id: string, headers: Record<string, string | null>) => {
      const delivery = signedDelivery(SECRET, { deliveryId: id, taskIds: [r.taskId] });
      const merged: Record<string, string> = { ...delivery.headers };
      for (const [name, value] of Object.entries(headers)) {
        if (value === null) delete merged[name];
        else merged[name] = value;
      }
      return { body: Buffer.from(delivery.body), headers: merged };
    };
    const cases: [string, Record<string, string | null>, RegExp][] = [
      ['no content type', { 'content-type': null }, /Content-Type: application\/json \(got "none"\)/],
      ['text/plain', { 'content-type': 'text/plain' }, /got "text\/plain"/],
      ['a form post', { 'content-type': 'application/x-www-form-urlencoded' }, /got "application\/x-www-form/],
      ['gzip', { 'content-encoding': 'gzip' }, /must not be compressed \(got Content-Encoding: "gzip"\)/],
      ['a bogus encoding', { 'content-encoding': 'bogus' }, /Content-Encoding: "bogus"/],
    ];
    for (const [what, headers, message] of cases) {
      const res = await r.post(withHeaders(`format-${what}`, headers));
      expect(res.status, what).toBe(415);
      const body = (await res.json()) as { ok: boolean; error: { message: string } };
      expect(body.ok, what).toBe(false);
      expect(body.error.message, what).toMatch(message);
    }
    await settle(r);
    expect(r.snapshot()).toEqual(before);
    expect(r.triggers).toEqual([]);
    // The Boards view shows the refusal with its reason, as it shows a wrong signature.
    const webhook = r.core.engine.boardSummaries().find((b) => b.id === BOARD)?.webhook;
    expect(webhook?.lastRejection).toMatch(/Content-Encoding: "bogus"/);

    const charset = withHeaders('charset', { 'content-type': 'Application/JSON; charset=utf-8' });
    expect((await r.post(charset)).status).toBe(202);
    const identity = withHeaders('identity', { 'content-encoding': 'identity' });
    expect((await r.post(identity)).status).toBe(202);
  });

  it('answers a replayed delivery id with 200 and does not reconcile again', async () => {
    const r = await rig();
    r.board.updateTask(BOARD, r.taskId, { status: 'Done' }, HUMAN);
    const delivery = signedDelivery(SECRET, { deliveryId: 'once', taskIds: [r.taskId] });
    expect((await r.post(delivery)).status).toBe(202);
    await waitFor(() => r.triggers.length === 1, 2_000, 'the first delivery');
    await settle(r);

    // The board changes again, but a replay of the old delivery is not a new notification.
    r.board.updateTask(BOARD, r.taskId, { status: 'Backlog' }, HUMAN);
    const before = r.snapshot();
    const calls = r.adapter.calls.getTask;
    const replay = await r.post(delivery);
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as { message: string }).message).toMatch(/already handled/);
    await settle(r);
    expect(r.snapshot()).toEqual(before);
    expect(r.triggers).toHaveLength(1);
    expect(r.adapter.calls.getTask).toBe(calls);

    // The change is not lost: the next poll finds it.
    await r.core.engine.runner(BOARD).poll();
    expect(r.triggers).toHaveLength(2);
  });
});
