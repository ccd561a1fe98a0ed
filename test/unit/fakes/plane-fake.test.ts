import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakePlane, type FakePlane, type FakePlaneOptions } from '../../fakes/plane';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function start(options: FakePlaneOptions = {}): Promise<FakePlane> {
  const fake = await startFakePlane(options);
  cleanup.push(() => fake.close());
  return fake;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function call(
  fake: FakePlane,
  method: string,
  path: string,
  body?: unknown,
  key: string | null = fake.apiKey,
): Promise<Answer> {
  const res = await fetch(`${fake.apiBase}${path.replace(/^\//, '')}`, {
    method,
    headers: {
      ...(key !== null ? { 'x-api-key': key } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as unknown) : undefined };
}

const items = (fake: FakePlane) => `workspaces/${fake.workspaceSlug}/projects/${fake.projectId}/work-items/`;
type Item = Record<string, unknown> & { id: string; updated_at: string };

async function create(fake: FakePlane, fields: Record<string, unknown>): Promise<Item> {
  const res = await call(fake, 'POST', items(fake), fields);
  expect(res.status, res.text).toBe(201);
  return res.json as Item;
}

/** Where the fake posts webhooks: the raw bytes and headers of each delivery. */
async function receiver(): Promise<{ url: string; got: { headers: IncomingHttpHeaders; raw: Buffer }[] }> {
  const got: { headers: IncomingHttpHeaders; raw: Buffer }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, raw: Buffer.concat(chunks) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/plane`, got };
}

describe('fake Plane', () => {
  it('answers a missing key with 401 and a wrong one with 403, in DRF words', async () => {
    const fake = await start();
    const missing = await call(fake, 'GET', items(fake), undefined, null);
    expect(missing.status).toBe(401);
    expect(missing.text).toBe('{"detail":"Authentication credentials were not provided."}');
    const wrong = await call(fake, 'GET', items(fake), undefined, 'plane_api_nope');
    expect(wrong.status).toBe(403);
    expect(wrong.text).toBe('{"detail":"Given API token is not valid"}');
    expect(fake.stats.authFailures).toBe(2);
    const otherProject = await call(
      fake,
      'GET',
      `workspaces/${fake.workspaceSlug}/projects/${randomUUID()}/work-items/`,
    );
    expect(otherProject.status).toBe(403);
    expect(otherProject.json).toEqual({ detail: 'You do not have permission to perform this action.' });
  });

  it('renders a work item with Plane field names, UUID lists and microsecond timestamps', async () => {
    const fake = await start();
    const item = await create(fake, {
      name: '  Fix login  ',
      description_html: 'plain text',
      labels: [fake.label('feature').id, fake.label('bug').id],
      priority: 'high',
    });
    expect(Object.keys(item)).toEqual([
      'id',
      'type_id',
      'created_at',
      'updated_at',
      'deleted_at',
      'point',
      'name',
      'description_html',
      'description_binary',
      'priority',
      'start_date',
      'target_date',
      'sequence_id',
      'sort_order',
      'completed_at',
      'archived_at',
      'is_draft',
      'external_source',
      'external_id',
      'created_by',
      'updated_by',
      'project',
      'workspace',
      'parent',
      'state',
      'estimate_point',
      'type',
      'assignees',
      'labels',
    ]);
    expect(item).toMatchObject({
      name: 'Fix login',
      description_html: '<p>plain text</p>',
      sequence_id: 1,
      state: fake.state('Backlog').id,
      created_by: fake.botUser.id,
      updated_by: null,
      // Oldest label first, whatever order was sent.
      labels: [fake.label('bug').id, fake.label('feature').id],
      assignees: [],
    });
    expect(item.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/);
    const raw = await call(fake, 'GET', `${items(fake)}${item.id}/`);
    expect(raw.text).toContain('"sort_order":65535.0');
    const byIdent = await call(fake, 'GET', `workspaces/${fake.workspaceSlug}/work-items/DEMO-1/`);
    expect((byIdent.json as Item).id).toBe(item.id);
    const expanded = await call(fake, 'GET', `${items(fake)}${item.id}/?expand=state&fields=id,state`);
    expect(expanded.json).toEqual({
      id: item.id,
      state: { id: fake.state('Backlog').id, name: 'Backlog', color: '#60646C', group: 'backlog' },
    });
  });

  it('validates like the serializer: name required, unknown state', async () => {
    const fake = await start();
    const noName = await call(fake, 'POST', items(fake), { priority: 'urgent' });
    expect(noName.status).toBe(400);
    expect(noName.json).toEqual({ name: ['This field is required.'] });
    const item = await create(fake, { name: 'A' });
    const ghost = randomUUID();
    const badState = await call(fake, 'PATCH', `${items(fake)}${item.id}/`, { state: ghost });
    expect(badState.status).toBe(400);
    expect(badState.json).toEqual({ state: [`Invalid pk "${ghost}" - object does not exist.`] });
    const missing = await call(fake, 'GET', `${items(fake)}${randomUUID()}/`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: 'The requested resource does not exist.' });
  });

  it('pages with per_page:page:is_prev cursors and the paginator envelope', async () => {
    const fake = await start();
    for (let i = 1; i <= 5; i++) await create(fake, { name: `Item ${i}` });
    const first = await call(fake, 'GET', `${items(fake)}?per_page=2&order_by=created_at`);
    const envelope = first.json as Record<string, unknown> & { results: Item[] };
    expect(Object.keys(envelope)).toEqual([
      'grouped_by',
      'sub_grouped_by',
      'total_count',
      'next_cursor',
      'prev_cursor',
      'next_page_results',
      'prev_page_results',
      'count',
      'total_pages',
      'total_results',
      'extra_stats',
      'results',
    ]);
    expect(envelope).toMatchObject({
      total_count: 5,
      next_cursor: '2:1:0',
      prev_cursor: '2:-1:1',
      next_page_results: true,
      prev_page_results: false,
      count: 2,
      total_pages: 3,
      total_results: 5,
    });
    expect(envelope.results.map((r) => r.name)).toEqual(['Item 1', 'Item 2']);
    const names: unknown[] = [];
    let cursor = '2:0:0';
    for (;;) {
      const page = (await call(fake, 'GET', `${items(fake)}?per_page=2&order_by=created_at&cursor=${cursor}`))
        .json as typeof envelope;
      names.push(...page.results.map((r) => r.name));
      if (!page.next_page_results) break;
      cursor = page.next_cursor as string;
    }
    expect(names).toEqual(['Item 1', 'Item 2', 'Item 3', 'Item 4', 'Item 5']);
    const tooMany = await call(fake, 'GET', `${items(fake)}?per_page=1001`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toBe('{"detail":"Invalid per_page value. Cannot exceed 1000."}');
    // The cursor's first part is not the page size: without per_page the page is 1000 long.
    const noPerPage = (await call(fake, 'GET', `${items(fake)}?cursor=2:1:0`)).json as typeof envelope;
    expect(noPerPage.count).toBe(0);
  });

  it('orders by -updated_at, and a PATCH that changes nothing still moves updated_at', async () => {
    const fake = await start();
    const a = await create(fake, { name: 'A' });
    const b = await create(fake, { name: 'B' });
    const list = async (order: string) =>
      ((await call(fake, 'GET', `${items(fake)}?order_by=${order}`)).json as { results: Item[] }).results.map(
        (r) => r.name,
      );
    expect(await list('-updated_at')).toEqual(['B', 'A']);
    const same = (await call(fake, 'PATCH', `${items(fake)}${a.id}/`, { name: 'A' })).json as Item;
    expect(same.updated_at > a.updated_at).toBe(true);
    expect(await list('-updated_at')).toEqual(['A', 'B']);
    expect(await list('updated_at')).toEqual(['B', 'A']);
    expect(await list('created_at')).toEqual(['A', 'B']);
    expect(b.id).toBeTruthy();
  });

  it('answers 409 with the existing id for a duplicate external id, and looks items up by it', async () => {
    const fake = await start();
    const item = await create(fake, { name: 'Synced', external_id: 'gh-42', external_source: 'github' });
    const dup = await call(fake, 'POST', items(fake), {
      name: 'Again',
      external_id: 'gh-42',
      external_source: 'github',
    });
    expect(dup.status).toBe(409);
    expect(dup.json).toEqual({
      error: 'Issue with the same external id and external source already exists',
      id: item.id,
    });
    const found = await call(fake, 'GET', `${items(fake)}?external_id=gh-42&external_source=github`);
    expect((found.json as Item).id).toBe(item.id);
    const absent = await call(fake, 'GET', `${items(fake)}?external_id=gh-43&external_source=github`);
    expect(absent.status).toBe(404);
  });

  it('creates, lists and edits comments; a duplicate external id is 409', async () => {
    const fake = await start();
    const item = await create(fake, { name: 'With comments' });
    const comments = `${items(fake)}${item.id}/comments/`;
    const first = await call(fake, 'POST', comments, {
      comment_html: '<p>hi</p>',
      external_id: 'c-1',
      external_source: 'deckhand',
    });
    expect(first.status).toBe(201);
    const comment = first.json as Item;
    expect(comment).toMatchObject({ comment_html: '<p>hi</p>', actor: fake.botUser.id, edited_at: null });
    expect('is_member' in comment).toBe(false);
    const dup = await call(fake, 'POST', comments, {
      comment_html: 'x',
      external_id: 'c-1',
      external_source: 'deckhand',
    });
    expect(dup.status).toBe(409);
    expect(dup.json).toEqual({
      error: 'Work item comment with the same external id and external source already exists',
      id: comment.id,
    });
    const edited = await call(fake, 'PATCH', `${comments}${comment.id}/`, { comment_html: '<p>edited</p>' });
    expect(edited.json).toMatchObject({ comment_html: '<p>edited</p>', edited_at: null });
    await fake.human().comment(item.id, '<p>from alice</p>');
    const list = (await call(fake, 'GET', comments)).json as { results: Item[] };
    expect(list.results.map((c) => c.comment_html)).toEqual(['<p>from alice</p>', '<p>edited</p>']);
    expect(list.results[0]!.is_member).toBe(true);
  });

  it('throttles per key with 429, Retry-After and X-RateLimit headers', async () => {
    const fake = await start({ rateLimitPerMinute: 3 });
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(fake, 'GET', items(fake));
      expect(res.status).toBe(200);
      remaining.push(res.headers.get('x-ratelimit-remaining'));
      expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await call(fake, 'GET', items(fake));
    expect(limited.status).toBe(429);
    expect(limited.text).toBe('{"error_code":5900,"error_message":"RATE_LIMIT_EXCEEDED"}');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('x-ratelimit-remaining')).toBeNull();
    // Another key has its own window; a minute later (on the board's clock) the first key is free again.
    fake.addApiKey('plane_api_second');
    expect((await call(fake, 'GET', items(fake), undefined, 'plane_api_second')).status).toBe(200);
    fake.clockOffsetMs += 61_000;
    expect((await call(fake, 'GET', items(fake))).status).toBe(200);
    expect(fake.stats.throttled).toBe(1);
  });

  it('posts one signed webhook per changed field, after answering', async () => {
    const fake = await start();
    const hook = await receiver();
    const { secret, id: webhookId } = fake.setWebhook({ url: hook.url });
    const item = await create(fake, { name: 'Hooked', priority: 'low' });
    await fake.flushWebhooks();
    expect(hook.got).toHaveLength(1);

    const patched = await call(fake, 'PATCH', `${items(fake)}${item.id}/`, {
      name: 'Hooked',
      priority: 'urgent',
      state: fake.state('In Progress').id,
    });
    expect(patched.status).toBe(200);
    await fake.flushWebhooks();
    expect(hook.got).toHaveLength(3);

    for (const { headers, raw } of hook.got) {
      const expected = createHmac('sha256', secret).update(raw).digest('hex');
      expect(headers['x-plane-signature']).toBe(expected);
      expect(headers['user-agent']).toBe('Autopilot');
      expect(headers['content-type']).toBe('application/json');
      expect(headers['x-plane-event']).toBe('issue');
      expect(headers['x-plane-delivery']).toMatch(/^[0-9a-f-]{36}$/);
      // Python's json.dumps: spaces after separators.
      expect(raw.toString('utf8')).toMatch(/^\{"event": "issue", "action": "/);
    }
    const bodies = hook.got.map((g) => JSON.parse(g.raw.toString('utf8')) as Record<string, Record<string, unknown>>);
    expect(bodies[0]).toMatchObject({ action: 'created', webhook_id: webhookId, activity: { field: null } });
    const updates = bodies.slice(1).map((b) => b.activity!);
    expect(updates.map((a) => [a.field, a.old_value, a.new_value])).toEqual([
      ['priority', 'low', 'urgent'],
      ['state', fake.state('Backlog').id, fake.state('In Progress').id],
    ]);
    expect((updates[0]!.actor as { id: string }).id).toBe(fake.botUser.id);
    const data = bodies[2]!.data!;
    expect(data.state).toEqual({
      id: fake.state('In Progress').id,
      name: 'In Progress',
      color: '#F59E0B',
      group: 'started',
    });
    expect(fake.deliveries.map((d) => [d.field, d.status])).toEqual([
      [null, 200],
      ['priority', 200],
      ['state', 200],
    ]);
  });

  it('sends webhooks for human edits with the web app field names', async () => {
    const fake = await start();
    const hook = await receiver();
    fake.setWebhook({ url: hook.url, events: ['issue'] });
    const alice = fake.human('alice');
    const row = await alice.createWorkItem({ name: 'From the UI' });
    const before = row.updated_at;
    await alice.update(row.id, { state: 'Done', labels: ['bug'] });
    await alice.comment(row.id, '<p>not sent: issue_comment is off</p>');
    await fake.flushWebhooks();
    const activities = hook.got.map(
      (g) => (JSON.parse(g.raw.toString('utf8')) as { activity: { field: string } }).activity,
    );
    expect(activities.map((a) => a.field)).toEqual([null, 'state_id', 'label_ids']);
    const item = fake.workItem(row.id)!;
    expect(item.updated_at).toBeGreaterThan(before);
    expect(item.completed_at).not.toBeNull();
    await alice.deleteWorkItem(row.id);
    await fake.flushWebhooks();
    expect(hook.got).toHaveLength(3);
    expect((await call(fake, 'GET', `${items(fake)}${row.id}/`)).status).toBe(404);
  });

  it('injects faults: a status, a dropped connection, and a write whose answer is lost', async () => {
    const fake = await start();
    fake.fail({ status: 502, body: '<html>Bad Gateway</html>', headers: { 'content-type': 'text/html' } });
    const bad = await fetch(`${fake.apiBase}workspaces/${fake.workspaceSlug}/projects/`, {
      headers: { 'x-api-key': fake.apiKey },
    });
    expect([bad.status, bad.headers.get('content-type'), await bad.text()]).toEqual([
      502,
      'text/html',
      '<html>Bad Gateway</html>',
    ]);

    fake.fail({ destroy: true, when: (r) => r.method === 'GET' });
    await expect(fetch(`${fake.apiBase}${items(fake)}`, { headers: { 'x-api-key': fake.apiKey } })).rejects.toThrow();

    fake.fail({ afterRun: true, status: 504, when: (r) => r.method === 'POST' && r.route.endsWith('/work-items/') });
    const lost = await call(fake, 'POST', items(fake), {
      name: 'Lost answer',
      external_id: 'x-1',
      external_source: 's',
    });
    expect(lost.status).toBe(504);
    const found = await call(fake, 'GET', `${items(fake)}?external_id=x-1&external_source=s`);
    expect((found.json as Item).name).toBe('Lost answer');
    expect(fake.stats.requestLog.map((r) => r.status)).toEqual([502, 0, 504, 200]);
    expect(fake.stats.byPath[`POST /workspaces/{slug}/projects/{project_id}/work-items/`]).toBe(1);
  });
});
