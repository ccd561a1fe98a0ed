import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BoardError } from '../../../src/main/core/boards/contract/errors';
import { HttpClient } from '../../../src/main/core/boards/kit/http/client';
import { redact } from '../../../src/main/core/logger';

/** The kit's HTTP client against a real server on 127.0.0.1 that answers what each test scripts. */
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function serve(handler: Handler): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => server.close() });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`, hits: () => hits };
}

const client = (url: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}): HttpClient =>
  new HttpClient({ service: 'Plane', baseUrl: url, headers: () => ({ 'x-api-key': 'sekret-key-123' }), ...extra });

async function failure(promise: Promise<unknown>): Promise<BoardError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BoardError);
  return err as BoardError;
}

describe('kit HTTP client', () => {
  it('sends auth headers, query and JSON, and parses the answer', async () => {
    const { url } = await serve((req, res, body) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ url: req.url, key: req.headers['x-api-key'], type: req.headers['content-type'], body }));
    });
    const answer = await client(url).json<Record<string, string>>({
      method: 'POST',
      path: '/workspaces/ws/items/',
      query: { per_page: 100, cursor: undefined },
      json: { name: 'x' },
    });
    expect(answer).toEqual({
      url: '/api/v1/workspaces/ws/items/?per_page=100',
      key: 'sekret-key-123',
      type: 'application/json',
      body: '{"name":"x"}',
    });
  });

  it('maps statuses to BoardError kinds, with the wait a 429 asks for', async () => {
    const statuses: [number, Record<string, string>][] = [
      [401, {}],
      [403, {}],
      [404, {}],
      [400, {}],
      [503, {}],
      [429, { 'retry-after': '7' }],
      [429, { 'x-throttle-wait-seconds': '3' }],
    ];
    let i = 0;
    const { url } = await serve((_req, res) => {
      const [status, headers] = statuses[i++]!;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify({ error: `status ${status}` }));
    });
    const c = client(url);
    const kinds = [];
    for (let n = 0; n < statuses.length; n++) {
      const err = await failure(c.send({ path: 'x/', what: 'list work items' }));
      kinds.push([err.kind, err.retryAfterMs]);
      expect(err.message).toContain('Plane');
    }
    expect(kinds).toEqual([
      ['auth', undefined],
      ['auth', undefined],
      ['not_found', undefined],
      ['invalid', undefined],
      ['transient', undefined],
      ['rate_limited', 7000],
      ['rate_limited', 3000],
    ]);
  });

  it('calls an HTML page where JSON was expected transient, with an excerpt and no markup', async () => {
    const { url } = await serve((_req, res) => res.end('<html><body><h1>502 Bad Gateway</h1></body></html>'));
    const err = await failure(client(url).json({ path: 'x/' }));
    expect(err.kind).toBe('transient');
    expect(err.message).toContain('502 Bad Gateway');
    expect(err.message).not.toContain('<h1>');
  });

  it('resends an idempotent request once after a reset socket, and never a write', async () => {
    let resets = 1;
    const { url, hits } = await serve((req, res) => {
      if (resets-- > 0) {
        req.socket.destroy();
        return;
      }
      res.end('{"ok":true}');
    });
    expect(await client(url).json({ path: 'x/', idempotent: true })).toEqual({ ok: true });
    expect(hits()).toBe(2);

    resets = 1;
    const err = await failure(client(url).send({ method: 'POST', path: 'x/', json: {} }));
    expect(err.kind).toBe('transient');
    expect(hits()).toBe(3);
  });

  it('gives up on a slow server after the timeout, as transient', async () => {
    const { url } = await serve((_req, res) => setTimeout(() => res.end('{}'), 1500));
    const err = await failure(client(url, { timeoutMs: 200 }).send({ path: 'x/', what: 'list states' }));
    expect(err).toMatchObject({ kind: 'transient' });
    expect(err.message).toContain('did not answer list states within 200 ms');
  });

  it('lets the board read its own statuses first, and keeps tokens out of messages and logs', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(404);
      res.end('no route');
    });
    const c = client(`${url}`, {
      secrets: ['sekret-key-123'],
      errorFor: (answer) =>
        answer.status === 404 ? new BoardError('invalid', `wrong workspace slug at ${answer.where}`) : undefined,
    });
    const err = await failure(c.send({ path: 'x/', query: { token: 'sekret-key-123' } }));
    expect(err).toMatchObject({ kind: 'invalid' });
    expect(err.message).not.toContain('sekret-key-123');
    expect(redact('key sekret-key-123 here')).not.toContain('sekret-key-123');
  });
});
