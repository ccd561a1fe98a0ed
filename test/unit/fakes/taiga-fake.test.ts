import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeTaiga, type FakeTaiga, type FakeTaigaOptions } from '../../fakes/taiga';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function start(options: FakeTaigaOptions = {}): Promise<FakeTaiga> {
  const fake = await startFakeTaiga(options);
  cleanup.push(() => fake.close());
  return fake;
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function call(
  fake: FakeTaiga,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(path, fake.apiUrl), {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON (HTML error pages, fault bodies)
  }
  return { status: res.status, headers: res.headers, text, json };
}

async function login(fake: FakeTaiga, username = 'admin', password = '123123'): Promise<string> {
  const reply = await call(fake, 'POST', 'auth', { body: { type: 'normal', username, password } });
  expect(reply.status).toBe(200);
  return (reply.json as { auth_token: string }).auth_token;
}

type Story = { id: number; ref: number; version: number; modified_date: string; [k: string]: unknown };

async function createStory(fake: FakeTaiga, token: string, subject: string, extra: object = {}): Promise<Story> {
  const reply = await call(fake, 'POST', 'userstories', {
    token,
    body: { project: fake.projectId, subject, ...extra },
  });
  expect(reply.status).toBe(201);
  return reply.json as Story;
}

/** A webhook receiver keeping the raw bytes and headers, as Deckhand's listener would see them. */
async function listener(): Promise<{ url: string; received: { headers: IncomingHttpHeaders; raw: Buffer }[] }> {
  const received: { headers: IncomingHttpHeaders; raw: Buffer }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/taiga`, received };
}

describe('fake Taiga: auth', () => {
  it('logs in with a JWT that expires in 24 h, refreshes with rotation, and rejects a wrong password as Taiga does', async () => {
    const fake = await start();
    const reply = await call(fake, 'POST', 'auth', { body: { type: 'normal', username: 'admin', password: '123123' } });
    expect(reply.status).toBe(200);
    const body = reply.json as Record<string, unknown>;
    expect(body).toMatchObject({ id: 5, username: 'admin', full_name: 'Administrator', email: 'admin@admin.com' });
    expect(typeof body.refresh).toBe('string');
    const [, payload] = String(body.auth_token).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ token_type: 'access', user_id: 5 });
    expect(Number(claims.exp) * 1000 - Date.now()).toBeGreaterThan(24 * 3600_000 - 5000);

    const me = await call(fake, 'GET', 'users/me', { token: String(body.auth_token) });
    expect(me.status).toBe(200);

    const refreshed = await call(fake, 'POST', 'auth/refresh', { body: { refresh: body.refresh } });
    expect(refreshed.status).toBe(200);
    expect(Object.keys(refreshed.json as object).sort()).toEqual(['auth_token', 'refresh']);
    expect(
      (await call(fake, 'GET', 'users/me', { token: (refreshed.json as { auth_token: string }).auth_token })).status,
    ).toBe(200);
    // The old refresh token was denylisted by the rotation.
    const reused = await call(fake, 'POST', 'auth/refresh', { body: { refresh: body.refresh } });
    expect(reused.status).toBe(401);
    expect(reused.text).toBe('{"detail": "Token is invalid or expired", "code": "token_not_valid"}');

    const wrong = await call(fake, 'POST', 'auth', { body: { type: 'normal', username: 'admin', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({
      detail: 'No active account found with the given credentials',
      code: 'invalid_credentials',
    });
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });

  it('answers 401 with simple-jwt body once the access token has expired, and for no token on a private project', async () => {
    const fake = await start({ accessTokenTtlMs: 60_000 });
    const token = await login(fake);
    const story = await createStory(fake, token, 'Expiring');
    fake.advanceClock(61_000);
    const reply = await call(fake, 'GET', `userstories/${story.id}`, { token });
    expect(reply.status).toBe(401);
    expect(reply.text).toBe(
      '{"detail": "Given token not valid for any token type", "code": "token_not_valid", "messages": ' +
        '[{"token_class": "AccessToken", "token_type": "access", "message": "Token \'exp\' claim has expired"}]}',
    );
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(fake.stats.authFailures).toBe(1);

    const anonymous = await call(fake, 'GET', `userstories/${story.id}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toEqual({
      _error_message: 'Authentication credentials were not provided.',
      _error_type: 'taiga.base.exceptions.NotAuthenticated',
    });
    // A private project's list is simply empty for anonymous callers.
    expect((await call(fake, 'GET', `userstories?project=${fake.projectId}`)).json).toEqual([]);
  });
});

describe('fake Taiga: project and listing', () => {
  it('serves the project by slug, its statuses, and 404 bodies for missing objects', async () => {
    const fake = await start({ projectSlug: 'admin-sync-test' });
    const token = await login(fake);
    const project = await call(fake, 'GET', 'projects/by_slug?slug=admin-sync-test', { token });
    expect(project.json).toMatchObject({ id: 1, slug: 'admin-sync-test', default_us_status: 1 });
    const statuses = (await call(fake, 'GET', 'userstory-statuses?project=1', { token })).json as {
      name: string;
      is_closed: boolean;
      slug: string;
    }[];
    expect(statuses.map((s) => s.name)).toEqual(['New', 'Ready', 'In progress', 'Ready for test', 'Done', 'Archived']);
    expect(statuses.filter((s) => s.is_closed).map((s) => s.slug)).toEqual(['done', 'archived']);
    const missing = await call(fake, 'GET', 'userstories/999', { token });
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('{"_error_message": "No UserStory matches the given query."}');
  });

  it('paginates by 30 with Taiga’s headers, honours page_size and x-disable-pagination', async () => {
    const fake = await start();
    const token = await login(fake);
    const human = fake.human();
    for (let i = 1; i <= 35; i++) await human.createStory({ subject: `Story ${i}` });

    const first = await call(fake, 'GET', 'userstories?project=1', { token });
    expect((first.json as unknown[]).length).toBe(30);
    expect(first.headers.get('x-pagination-count')).toBe('35');
    expect(first.headers.get('x-paginated')).toBe('true');
    expect(first.headers.get('x-paginated-by')).toBe('30');
    expect(first.headers.get('x-pagination-current')).toBe('1');
    expect(first.headers.get('x-pagination-next')).toBe(`${fake.apiUrl}userstories?project=1&page=2`);
    expect(first.headers.get('x-pagination-prev')).toBeNull();

    const second = await call(fake, 'GET', 'userstories?project=1&page=2', { token });
    expect((second.json as Story[]).map((s) => s.subject)).toEqual([31, 32, 33, 34, 35].map((i) => `Story ${i}`));
    expect(second.headers.get('x-pagination-next')).toBeNull();
    expect(second.headers.get('x-pagination-prev')).toBe(`${fake.apiUrl}userstories?project=1&page=1`);

    const small = await call(fake, 'GET', 'userstories?project=1&page_size=10&page=4', { token });
    expect((small.json as unknown[]).length).toBe(5);
    expect(small.headers.get('x-paginated-by')).toBe('10');

    const all = await call(fake, 'GET', 'userstories?project=1', {
      token,
      headers: { 'x-disable-pagination': 'True' },
    });
    expect((all.json as unknown[]).length).toBe(35);
    expect(all.headers.get('x-paginated')).toBeNull();

    const beyond = await call(fake, 'GET', 'userstories?project=1&page=9', { token });
    expect(beyond.status).toBe(404);
    expect(beyond.json).toEqual({ _error_message: "Page is not 'last', nor can it be converted to an int." });
    // List items carry version and modified_date but not the description.
    const item = (first.json as Story[])[0]!;
    expect(item).toHaveProperty('version', 1);
    expect(item).not.toHaveProperty('description');
  });

  it('filters on modified_date__gte inclusively, orders by modified_date, and answers 500 for a bad date', async () => {
    const fake = await start();
    const token = await login(fake);
    const a = await createStory(fake, token, 'A');
    const b = await createStory(fake, token, 'B');
    const patched = await call(fake, 'PATCH', `userstories/${a.id}`, { token, body: { version: 1, subject: 'A2' } });
    const since = (patched.json as Story).modified_date;
    expect(since).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);

    const changed = await call(fake, 'GET', `userstories?project=1&modified_date__gte=${encodeURIComponent(since)}`, {
      token,
    });
    expect((changed.json as Story[]).map((s) => s.id)).toEqual([a.id]);
    const ordered = await call(fake, 'GET', 'userstories?project=1&order_by=modified_date', { token });
    expect((ordered.json as Story[]).map((s) => s.id)).toEqual([b.id, a.id]);
    const future = await call(fake, 'GET', 'userstories?project=1&modified_date__gte=2100-01-01T00:00:00Z', { token });
    expect(future.json).toEqual([]);
    const garbage = await call(fake, 'GET', 'userstories?project=1&modified_date__gte=garbage', { token });
    expect(garbage.status).toBe(500);
  });
});

describe('fake Taiga: writes', () => {
  it('enforces version as Taiga: stale overlapping fields fail with its exact body, others pass and bump', async () => {
    const fake = await start();
    const token = await login(fake);
    const story = await createStory(fake, token, 'Concurrency', { tags: ['Agent', ['urgent', '#ff0000']] });
    expect(story.tags).toEqual([
      ['agent', null],
      ['urgent', '#ff0000'],
    ]);
    const moved = await call(fake, 'PATCH', `userstories/${story.id}`, {
      token,
      body: { version: 1, status: 3, subject: 'Moved' },
    });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ version: 2, status: 3, subject: 'Moved', is_closed: false });
    expect((moved.json as Story).modified_date > story.modified_date).toBe(true);

    const stale = await call(fake, 'PATCH', `userstories/${story.id}`, {
      token,
      body: { version: 1, subject: 'stale' },
    });
    expect(stale.status).toBe(400);
    expect(stale.text).toBe('{"version": "The version doesn\'t match with the current one"}');

    const disjoint = await call(fake, 'PATCH', `userstories/${story.id}`, {
      token,
      body: { version: 1, description: 'not overlapping' },
    });
    expect(disjoint.status).toBe(200);
    expect((disjoint.json as Story).version).toBe(3);

    const missing = await call(fake, 'PATCH', `userstories/${story.id}`, { token, body: { subject: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.text).toBe('{"version": "The version parameter is not valid"}');

    const done = await call(fake, 'PATCH', `userstories/${story.id}`, { token, body: { version: 3, status: 5 } });
    expect(done.json).toMatchObject({ version: 4, is_closed: true });
    expect((done.json as { finish_date: string | null }).finish_date).not.toBeNull();

    const byRef = await call(fake, 'GET', `userstories/by_ref?ref=${story.ref}&project=1`, { token });
    expect(byRef.json).toMatchObject({
      id: story.id,
      description: 'not overlapping',
      neighbors: { previous: null, next: null },
    });
    expect((await call(fake, 'DELETE', `userstories/${story.id}`, { token })).status).toBe(204);
  });

  it('stores a comment sent with PATCH in the history, and edits it through edit_comment', async () => {
    const fake = await start();
    const token = await login(fake);
    const story = await createStory(fake, token, 'Commented');
    const patched = await call(fake, 'PATCH', `userstories/${story.id}`, {
      token,
      body: { version: 1, comment: 'hello from sync' },
    });
    expect(patched.json).toMatchObject({ version: 2, comment: '', total_comments: 1 });

    const history = await call(fake, 'GET', `history/userstory/${story.id}`, { token });
    const entries = history.json as Record<string, unknown>[];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      comment: 'hello from sync',
      comment_html: '<p>hello from sync</p>',
      type: 1,
      diff: {},
      delete_comment_date: null,
      edit_comment_date: null,
      user: { pk: 5, username: 'admin', name: 'Administrator' },
    });
    const entryId = String(entries[0]!.id);

    const edit = await call(fake, 'POST', `history/userstory/${story.id}/edit_comment?id=${entryId}`, {
      token,
      body: { comment: 'edited' },
    });
    expect(edit.status).toBe(200);
    expect(edit.text).toBe('');
    const after = (await call(fake, 'GET', `history/userstory/${story.id}?type=comment`, { token })).json as Record<
      string,
      unknown
    >[];
    expect(after[0]).toMatchObject({ id: entryId, comment: 'edited', comment_html: '<p>edited</p>' });
    expect(after[0]!.edit_comment_date).not.toBeNull();
    // Editing a comment does not touch the story.
    expect(((await call(fake, 'GET', `userstories/${story.id}`, { token })).json as Story).version).toBe(2);
  });

  it('lists and creates tasks under a story', async () => {
    const fake = await start();
    const token = await login(fake);
    const story = await createStory(fake, token, 'Parent');
    const task = await call(fake, 'POST', 'tasks', {
      token,
      body: { project: 1, subject: 'Child', user_story: story.id },
    });
    expect(task.status).toBe(201);
    expect(task.json).toMatchObject({ ref: 2, version: 1, user_story: story.id, status: 1 });
    const tasks = await call(fake, 'GET', `tasks?user_story=${story.id}`, { token });
    expect((tasks.json as { subject: string }[]).map((t) => t.subject)).toEqual(['Child']);
  });
});

interface HookBody {
  action: string;
  type: string;
  by: Record<string, unknown>;
  data: Record<string, unknown>;
  change?: { comment: string; diff: Record<string, unknown> };
}

describe('fake Taiga: webhooks', () => {
  it('delivers signed bodies (HMAC-SHA1 over the raw bytes) for API and human changes', async () => {
    const fake = await start();
    const token = await login(fake);
    const hook = await listener();
    const created = await call(fake, 'POST', 'webhooks', {
      token,
      body: { project: 1, name: 'sync', url: hook.url, key: 's3cret' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ project: 1, name: 'sync', url: hook.url, key: 's3cret', logs_counter: 0 });

    const story = await createStory(fake, token, 'Café ✓');
    const human = fake.human();
    await human.move(story.id, 'In progress');
    await human.comment(story.id, 'a person speaks');
    await fake.flushWebhooks();

    expect(hook.received).toHaveLength(3);
    for (const { headers, raw } of hook.received) {
      const expected = createHmac('sha1', 's3cret').update(raw).digest('hex');
      expect(headers['x-taiga-webhook-signature']).toBe(expected);
      expect(headers['x-hub-signature']).toBe(`sha1=${expected}`);
      expect(headers['content-type']).toBe('application/json');
    }
    const bodies = hook.received.map(({ raw }) => JSON.parse(raw.toString('utf8')) as HookBody);
    expect(hook.received[0]!.raw.toString('utf8')).toContain('"subject": "Café ✓"');
    expect(bodies.map((b) => b.action)).toEqual(['create', 'change', 'change']);
    expect(bodies[0]).toMatchObject({ type: 'userstory', by: { id: 5, username: 'admin' }, data: { id: story.id } });
    expect(bodies[0]!.data).not.toHaveProperty('version');
    expect(bodies[1]!.change?.diff.status).toEqual({ from: 'New', to: 'In progress' });
    expect(bodies[2]!.change).toMatchObject({ comment: 'a person speaks', diff: {} });
    expect(fake.deliveries.map((d) => d.status)).toEqual([200, 200, 200]);

    const logs = await call(fake, 'GET', `webhooklogs?webhook=${(created.json as { id: number }).id}`, { token });
    expect((logs.json as unknown[]).length).toBe(3);
  });
});

describe('fake Taiga: faults and throttling', () => {
  it('injects failures, counts traffic, and throttles with X-Throttle-Wait-Seconds when asked', async () => {
    const fake = await start();
    const token = await login(fake);
    const story = await createStory(fake, token, 'Faulty');
    fake.resetStats();

    fake.fail({ when: (r) => r.method === 'PATCH', status: 503, body: 'down' });
    const down = await call(fake, 'PATCH', `userstories/${story.id}`, { token, body: { version: 1, subject: 'x' } });
    expect(down).toMatchObject({ status: 503, text: 'down' });
    expect(fake.store.story(story.id)!.version).toBe(1);

    fake.fail({ afterRun: true, status: 502 });
    const lost = await call(fake, 'PATCH', `userstories/${story.id}`, { token, body: { version: 1, subject: 'y' } });
    expect(lost.status).toBe(502);
    expect(fake.store.story(story.id)).toMatchObject({ version: 2, subject: 'y' });

    fake.fail({ destroy: true });
    await expect(call(fake, 'GET', `userstories/${story.id}`, { token })).rejects.toThrow();

    expect(fake.stats.requests).toBe(3);
    expect(fake.stats.byPath['PATCH /api/v1/userstories/{id}']).toBe(2);
    expect(fake.stats.bytesIn).toBeGreaterThan(0);

    fake.setThrottle({ 'user-read': '2/minute' });
    expect((await call(fake, 'GET', `userstories/${story.id}`, { token })).status).toBe(200);
    expect((await call(fake, 'GET', `userstories/${story.id}`, { token })).status).toBe(200);
    const throttled = await call(fake, 'GET', `userstories/${story.id}`, { token });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('x-throttle-wait-seconds'))).toBeGreaterThan(0);
    expect(throttled.json).toMatchObject({ _error_type: 'taiga.base.exceptions.Throttled' });
    expect(String((throttled.json as { _error_message: string })._error_message)).toMatch(
      /^Request was throttled\.Expected available in \d+ seconds?\.$/,
    );
  });
});
