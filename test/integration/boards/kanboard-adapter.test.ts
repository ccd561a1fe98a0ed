import { afterEach, describe, expect, it } from 'vitest';
import { KanboardAdapter } from '../../../src/main/core/boards/kanboard';
import { NOTES_HEADER } from '../../../src/main/core/boards/kanboard/agent-notes';
import type { FakeKanboard } from '../../fakes/kanboard';
import { startKanboard, type KanboardSetup } from '../../boards/kanboard';
import { rejection } from '../../helpers/board-errors';

const running: FakeKanboard[] = [];
afterEach(async () => {
  for (const fake of running.splice(0)) await fake.stop();
});

async function start(...args: Parameters<typeof startKanboard>): Promise<KanboardSetup> {
  const setup = await startKanboard(...args);
  running.push(setup.fake);
  return setup;
}

/** Methods Kanboard fires events (and so automatic actions) for. */
const FIRING = new Set([
  'createTask',
  'updateTask',
  'moveTaskPosition',
  'openTask',
  'closeTask',
  'createComment',
  'updateComment',
  'createTaskLink',
  'removeTaskLink',
]);

describe('kanboard adapter: auth and connection', () => {
  it('works with the application token and with a user personal token', async () => {
    const app = await start('app');
    expect(app.adapter.connection).toMatchObject({ userId: 0, username: 'jsonrpc', projectName: 'Deckhand Test' });
    const user = await start('user');
    expect(user.adapter.connection).toMatchObject({ username: 'deckhand' });
    const task = await user.adapter.createTask({ fields: { title: 'by the bot' }, marker: 'm-bot' });
    const comment = await user.adapter.addComment(task.id, 'hello from the bot', 'c-bot');
    expect(comment.author).toBe('deckhand');
    const row = user.fake.store.task(Number(task.id))!;
    expect(user.fake.store.user(row.creator_id)?.username).toBe('deckhand');
  });

  it('reports wrong credentials as auth, naming the mode but never the token, after one attempt', async () => {
    const { fake, board } = await start('app');
    const wrongApp = new KanboardAdapter({ boardId: 'kb', url: fake.url, project: 1, token: 'not-the-token-1234' });
    const err = await rejection(wrongApp.connect());
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/application API token/);
    expect(err.message).not.toContain('not-the-token-1234');
    expect(fake.stats.authFailures).toBe(1);

    const wrongUser = new KanboardAdapter({
      boardId: 'kb',
      url: fake.url,
      project: board.projectName,
      username: 'deckhand',
      token: 'wrong-personal-token',
    });
    const userErr = await rejection(wrongUser.connect());
    expect(userErr.kind).toBe('auth');
    expect(userErr.message).toMatch(/user "deckhand"/);
    expect(userErr.message).not.toContain('wrong-personal-token');
  });

  it('finds the project by name, by numeric id, or by an id written as text', async () => {
    const { fake, board } = await start('app');
    for (const project of [board.projectName, board.projectId, String(board.projectId)]) {
      const adapter = new KanboardAdapter({ boardId: 'kb', url: fake.url, project, token: board.appToken });
      await adapter.connect();
      expect(adapter.connection?.projectId).toBe(board.projectId);
    }
    const jsonrpcUrl = new KanboardAdapter({ boardId: 'kb', url: fake.endpoint, project: 1, token: board.appToken });
    await jsonrpcUrl.connect();
    expect(jsonrpcUrl.connection?.projectName).toBe(board.projectName);
  });

  it('names the visible projects when the project is unknown or not shared with the user', async () => {
    const { fake, board } = await start('app');
    const unknown = new KanboardAdapter({ boardId: 'kb', url: fake.url, project: 'Nope', token: board.appToken });
    const err = await rejection(unknown.connect());
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain('"Nope"');
    expect(err.message).toContain('"Deckhand Test"');

    const other = fake.store.addProject({ name: 'Secret project' });
    const asBot = new KanboardAdapter({
      boardId: 'kb',
      url: fake.url,
      project: other.id,
      username: 'deckhand',
      token: board.botToken,
    });
    const denied = await rejection(asBot.connect());
    expect(denied.kind).toBe('invalid');
    expect(denied.message).toMatch(/projects it can see: "Deckhand Test"/);
  });

  it('refuses a configured column that does not exist, listing the columns that do', async () => {
    const { fake, board } = await start('app');
    const adapter = new KanboardAdapter({
      boardId: 'kb',
      url: fake.url,
      project: board.projectName,
      token: board.appToken,
      columnRoles: { todo: 'Ready', review: 'Review' },
    });
    const err = await rejection(adapter.connect());
    expect(err.kind).toBe('invalid');
    expect(err.message).toBe(
      'columns.review is "Review", but Kanboard project "Deckhand Test" has no such column; ' +
        'its columns are: "Backlog", "Ready", "Work in progress", "Done"',
    );
  });

  it('connects lazily when the server was down at start', async () => {
    const { fake, board } = await start('app');
    fake.faults.push({ status: 502, body: '<html>Bad gateway</html>' });
    const adapter = new KanboardAdapter({ boardId: 'kb', url: fake.url, project: 1, token: board.appToken });
    expect((await rejection(adapter.connect())).kind).toBe('transient');
    expect(await adapter.listColumns()).toEqual(['Backlog', 'Ready', 'Work in progress', 'Done']);
  });
});

describe('kanboard adapter: mapping', () => {
  it('maps closed tasks to the done column, keeps listing them, and reopens on a move', async () => {
    const { fake, adapter, board } = await start('app');
    const task = await adapter.createTask({ fields: { title: 'Close me', status: 'Ready' }, marker: 'm1' });
    await fake.human('alice').closeTask(Number(task.id));
    const closed = await adapter.getTask(task.id);
    expect(closed?.status).toBe('Done');
    expect(closed?.version).not.toBe(task.version);
    expect((await adapter.listTasks()).map((t) => t.id)).toContain(task.id);

    const reopened = await adapter.updateTask(task.id, { status: 'Work in progress' });
    expect(reopened.status).toBe('Work in progress');
    expect(fake.store.task(Number(task.id))?.is_active).toBe(1);

    const roles = new KanboardAdapter({
      boardId: 'kb2',
      url: fake.url,
      project: board.projectName,
      token: board.appToken,
      columnRoles: { done: 'Ready' },
    });
    await fake.human('alice').closeTask(Number(task.id));
    expect((await roles.getTask(task.id))?.status).toBe('Ready');
  });

  it('reads a parent set by a person as an internal link, and replaces it on write', async () => {
    const { fake, adapter } = await start('app');
    const a = await adapter.createTask({ fields: { title: 'Parent A' }, marker: 'pa' });
    const b = await adapter.createTask({ fields: { title: 'Parent B' }, marker: 'pb' });
    const child = await adapter.createTask({ fields: { title: 'Child' }, marker: 'pc' });
    await fake.human('bob').link(Number(child.id), Number(a.id), 'is a child of');
    await fake.human('bob').link(Number(child.id), Number(b.id), 'relates to');
    expect((await adapter.getTask(child.id))?.parentId).toBe(a.id);
    const moved = await adapter.updateTask(child.id, { parentId: b.id });
    expect(moved.parentId).toBe(b.id);
    const labels = fake.store.taskLinksOf(Number(child.id)).map((l) => `${String(l.label)} ${String(l.task_id)}`);
    expect(labels.sort()).toEqual([`is a child of ${b.id}`, `relates to ${b.id}`]);
    expect((await adapter.getTask(a.id))?.parentId).toBeNull();
  });

  it('round-trips due dates in a server timezone far from UTC', async () => {
    const { fake, adapter } = await start('app');
    fake.timeZone = 'Pacific/Kiritimati';
    const other = new KanboardAdapter({ boardId: 'kb', url: fake.url, project: 1, token: fake.appToken });
    const task = await other.createTask({ fields: { title: 'Due', dueDate: '2031-01-01' }, marker: 'due' });
    expect(task.dueDate).toBe('2031-01-01');
    await fake.human('alice').updateTask(Number(task.id), { dueDate: '2031-02-28' });
    expect((await other.getTask(task.id))?.dueDate).toBe('2031-02-28');
    expect((await other.updateTask(task.id, { dueDate: null })).dueDate).toBeNull();
    expect(adapter.connection?.timeZone).toBe('UTC');
  });

  it('reads integers sent as strings (Kanboard on MySQL)', async () => {
    const { fake, adapter } = await start('app');
    const task = await adapter.createTask({
      fields: { title: 'Typed', priority: 4, assignee: 'bob', labels: ['x'], status: 'Ready' },
      marker: 'typed',
    });
    fake.stringNumbers = true;
    const again = await adapter.getTask(task.id);
    expect(again).toEqual(task);
  });
});

describe('kanboard adapter: agent notes', () => {
  it('keeps notes in metadata and one marked comment edited in place, never touching the description', async () => {
    const { fake, adapter } = await start('user');
    const task = await adapter.createTask({
      fields: { title: 'Research', description: 'Owned by a human' },
      marker: 'notes-1',
    });
    await fake.human('alice').comment(Number(task.id), 'A human comment');
    const first = await adapter.updateTask(task.id, { agentNotes: 'Looked at the logs.' });
    expect(first.agentNotes).toBe('Looked at the logs.');
    expect(fake.store.metadataOf(Number(task.id))).toEqual({ agent_notes: 'Looked at the logs.' });
    const mirror = (): { id: number; comment: string }[] =>
      fake.store.comments.filter((c) => c.task_id === Number(task.id) && c.comment.startsWith(NOTES_HEADER));
    expect(mirror()).toHaveLength(1);
    expect(mirror()[0]!.comment).toBe(`${NOTES_HEADER}\n\nLooked at the logs.`);
    const commentId = mirror()[0]!.id;

    const second = await adapter.updateTask(task.id, { agentNotes: 'Found the cause.' });
    expect(second.version).not.toBe(first.version);
    expect(mirror()).toEqual([
      expect.objectContaining({ id: commentId, comment: `${NOTES_HEADER}\n\nFound the cause.` }),
    ]);
    expect(fake.store.task(Number(task.id))?.description).toBe('Owned by a human');
    expect(fake.store.comments.filter((c) => c.task_id === Number(task.id))).toHaveLength(2);
    expect(fake.store.user(fake.store.comment(commentId)!.user_id)?.username).toBe('deckhand');

    const listed = await adapter.listComments(task.id);
    expect(listed.map((c) => c.body)).toEqual(['A human comment']);
  });

  it('posts a new mirror when a person deleted it, and writes notes given at creation', async () => {
    const { fake, adapter } = await start('app');
    const task = await adapter.createTask({ fields: { title: 'Born with notes', agentNotes: 'v1' }, marker: 'nb' });
    expect(task.agentNotes).toBe('v1');
    const mirror = fake.store.comments.find((c) => c.task_id === Number(task.id))!;
    expect(mirror.reference).toBe('deckhand:agent-notes');
    fake.store.removeComment(mirror.id, { user: null });
    await adapter.updateTask(task.id, { agentNotes: 'v2' });
    const now = fake.store.comments.filter((c) => c.task_id === Number(task.id));
    expect(now).toHaveLength(1);
    expect(now[0]!.comment).toContain('v2');
  });

  it('sees notes written by another client on the next full listing, and on getTask', async () => {
    const { fake, adapter } = await start('app');
    const task = await adapter.createTask({ fields: { title: 'Side channel' }, marker: 'side' });
    fake.store.saveMetadata(Number(task.id), { agent_notes: 'from elsewhere' }, { user: null });
    expect((await adapter.getTask(task.id))?.agentNotes).toBe('from elsewhere');
    expect((await adapter.listTasks()).find((t) => t.id === task.id)?.agentNotes).toBe('from elsewhere');
  });
});

describe('kanboard adapter: writes', () => {
  it('sends each event-firing write first in its own request, so automatic actions run once', async () => {
    const { fake, adapter } = await start('app');
    const parent = await adapter.createTask({ fields: { title: 'Parent' }, marker: 'w-p' });
    const task = await adapter.createTask({ fields: { title: 'Busy', agentNotes: 'old' }, marker: 'w-t' });
    fake.resetStats();
    const updated = await adapter.updateTask(task.id, {
      title: 'Busy, renamed',
      status: 'Work in progress',
      labels: ['b', 'a'],
      parentId: parent.id,
      agentNotes: 'new',
      priority: 3,
    });
    expect(updated).toMatchObject({
      title: 'Busy, renamed',
      status: 'Work in progress',
      labels: ['a', 'b'],
      parentId: parent.id,
      agentNotes: 'new',
      priority: 3,
    });
    for (const methods of fake.stats.requestLog) {
      const firing = methods.map((m, i) => (FIRING.has(m) && !(m === 'updateTask' && i > 0) ? i : -1));
      expect(
        firing.filter((i) => i > 0),
        `request ${methods.join(',')}`,
      ).toEqual([]);
    }
    expect(fake.stats.requests).toBeLessThanOrEqual(6);
  });

  it('writes nothing when the patch changes nothing', async () => {
    const { fake, adapter } = await start('app');
    const task = await adapter.createTask({ fields: { title: 'Same', labels: ['a'] }, marker: 'same' });
    fake.resetStats();
    const again = await adapter.updateTask(task.id, { title: 'Same', labels: ['a'] });
    expect(again.version).toBe(task.version);
    expect(fake.stats.requests).toBe(1);
  });

  it('explains a refused assignee and an unknown task', async () => {
    const { fake, adapter } = await start('app');
    fake.store.addUser({ username: 'outsider' });
    const task = await adapter.createTask({ fields: { title: 'Assign' }, marker: 'as' });
    const err = await rejection(adapter.updateTask(task.id, { assignee: 'outsider' }));
    expect(err.kind).toBe('invalid');
    expect(err.message).toMatch(/cannot assign "outsider".*assignable users: .*"alice"/);
    expect((await rejection(adapter.updateTask('424242', { title: 'x' }))).kind).toBe('not_found');
    expect((await rejection(adapter.listComments('424242'))).kind).toBe('not_found');
  });

  it('finds assignees in user mode (no user lookups allowed) by their tasks or display name, or says why not', async () => {
    const { fake, adapter, board } = await start('user');
    fake.store.userByName('bob')!.name = 'Bob Builder';
    const task = await adapter.createTask({ fields: { title: 'Who does it?' }, marker: 'um' });
    const err = await rejection(adapter.updateTask(task.id, { assignee: 'bob' }));
    expect(err.kind).toBe('invalid');
    expect(err.message).toMatch(/"Bob Builder".*non-admin user.*application token can assign anyone/);
    expect((await adapter.updateTask(task.id, { assignee: 'alice' })).assignee).toBe('alice');

    await fake.human('admin').createTask(board.projectId, { title: "Bob's", assignee: 'bob' });
    const fresh = new KanboardAdapter({
      boardId: 'kb',
      url: fake.url,
      project: board.projectId,
      username: 'deckhand',
      token: board.botToken,
    });
    expect((await fresh.updateTask(task.id, { assignee: 'bob' })).assignee).toBe('bob');
  });

  it('tells not_found from forbidden in user mode, where Kanboard answers 403 for a missing task', async () => {
    const { adapter } = await start('user');
    expect(await adapter.getTask('424242')).toBeNull();
    expect((await rejection(adapter.updateTask('424242', { agentNotes: 'x' }))).kind).toBe('not_found');
    expect((await rejection(adapter.addComment('424242', 'x', 'm'))).kind).toBe('not_found');
  });
});

describe('kanboard adapter: markers', () => {
  it('stores task markers in `reference` and comment markers in the comment reference', async () => {
    const { fake, adapter } = await start('app');
    const task = await adapter.createTask({ fields: { title: 'Marked' }, marker: 'dh-0123456789abcdef0123' });
    expect(fake.store.task(Number(task.id))?.reference).toBe('dh-0123456789abcdef0123');
    expect((await adapter.findTaskByMarker('dh-0123456789abcdef0123'))?.id).toBe(task.id);
    expect(await adapter.findTaskByMarker('DH-0123456789ABCDEF0123')).toBeNull();

    await fake.human('alice').comment(Number(task.id), 'human');
    const comment = await adapter.addComment(task.id, 'agent says hi', 'dh-comment-1');
    expect(comment.marker).toBe('dh-comment-1');
    fake.resetStats();
    expect((await adapter.findCommentByMarker(task.id, 'dh-comment-1'))?.id).toBe(comment.id);
    expect(fake.stats.requests).toBe(2);
    expect(await adapter.findCommentByMarker(task.id, 'dh-other')).toBeNull();
  });
});

describe('kanboard adapter: errors', () => {
  it('maps HTTP and protocol failures to BoardError kinds with clear messages', async () => {
    const { fake, adapter } = await start('app', { timeoutMs: 300 });
    const cases: [Parameters<FakeKanboard['faults']['push']>[0], string, RegExp][] = [
      [
        { status: 401, body: '{"jsonrpc":"2.0","error":{"code":401,"message":"Unauthorized"},"id":null}' },
        'auth',
        /HTTP 401/,
      ],
      [
        { status: 403, body: '{"jsonrpc":"2.0","error":{"code":403,"message":"Forbidden"},"id":null}' },
        'auth',
        /HTTP 403/,
      ],
      [{ status: 500, body: 'Internal Server Error' }, 'transient', /HTTP 500/],
      [{ status: 200, body: '<html><body>502 Bad Gateway</body></html>' }, 'transient', /not JSON.*502 Bad Gateway/],
      [{ status: 200, body: '{"hello":"world"}' }, 'transient', /not a JSON-RPC response/],
      [{ status: 404, body: 'Not found' }, 'invalid', /HTTP 404.*board URL/],
      [{ delayMs: 1000 }, 'transient', /did not answer .* within 0 s|did not answer/],
      [{ destroy: true, times: 2 }, 'transient', /cannot reach Kanboard/],
    ];
    for (const [fault, kind, message] of cases) {
      fake.faults.push(fault);
      const err = await rejection(adapter.listChangedSince(null));
      expect(err.kind, JSON.stringify(fault)).toBe(kind);
      expect(err.message).toMatch(message);
    }
    fake.faults.push({ status: 429, body: 'slow down', headers: { 'retry-after': '7' } });
    const limited = await rejection(adapter.listTasks());
    expect(limited.kind).toBe('rate_limited');
    expect(limited.retryAfterMs).toBe(7000);
    expect((await adapter.listChangedSince(null)).tasks).toEqual([]);
    // A read whose socket was reset is tried once more at once.
    fake.faults.push({ destroy: true });
    expect((await adapter.listChangedSince(null)).tasks).toEqual([]);
  });

  it('names the method and Kanboard message for JSON-RPC errors, and reports `false` as refused', async () => {
    const { fake, adapter } = await start('app');
    const idOf = (request: unknown): number => (request as { id: number }).id;
    fake.faults.push({
      status: 200,
      body: (r) =>
        `{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"Missing argument: query"},"id":${idOf(r)}}`,
    });
    const err = await rejection(adapter.listChangedSince(null));
    expect(err.kind).toBe('invalid');
    expect(err.message).toBe('Kanboard searchTasks failed: Invalid params (Missing argument: query) [-32602]');
    fake.faults.push({
      status: 200,
      body: (r) =>
        `{"jsonrpc":"2.0","error":{"code":"HY000","message":"SQLSTATE[HY000]: General error: 5 database is locked"},"id":${idOf(r)}}`,
    });
    expect((await rejection(adapter.listChangedSince(null))).kind).toBe('transient');
    const task = await adapter.createTask({ fields: { title: 'x', assignee: 'bob' }, marker: 'false' });
    fake.faults.push({
      when: (m) => m[0] === 'updateTask',
      status: 200,
      body: '[{"jsonrpc":"2.0","result":true,"id":1}]',
    });
    const lost = await rejection(adapter.updateTask(task.id, { title: 'y' }));
    expect(lost.kind).toBe('transient');
    expect(lost.message).toMatch(/no answer for updateTask/);

    // bob's id was learned from a listing; he has since left the project, so Kanboard answers `false`.
    await adapter.updateTask(task.id, { assignee: null });
    fake.store.members = fake.store.members.filter((m) => m.user_id !== fake.store.userByName('bob')!.id);
    const refused = await rejection(adapter.updateTask(task.id, { assignee: 'bob' }));
    expect(refused.kind).toBe('invalid');
    expect(refused.message).toBe(
      `Kanboard refused updateTask on task ${task.id} (check the assignee is a member of the project)`,
    );
  });

  it('reports an unreachable server as transient', async () => {
    const { fake, adapter } = await start('app');
    await fake.stop();
    const err = await rejection(adapter.listChangedSince(null));
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/cannot reach Kanboard at http:\/\/127\.0\.0\.1:\d+\/jsonrpc\.php \(ECONNREFUSED\)/);
  });
});

describe('kanboard adapter: request economy', () => {
  it('reads several tasks in one request, and says which are gone', async () => {
    const { fake, adapter } = await start('app', { tasks: 5 });
    const ids = fake.store.tasks.map((t) => String(t.id));
    fake.resetStats();
    const read = await adapter.getTasks([...ids, '999']);
    expect(fake.stats.requests).toBe(1);
    expect([...read.values()].filter(Boolean).map((t) => t!.title)).toEqual(ids.map((_, i) => `Task ${i + 1}`));
    expect(read.get('999')).toBeNull();
  });

  it('reads many tasks with one search and their extras in batches', async () => {
    const { fake, adapter } = await start('app', { tasks: 120 });
    const ids = fake.store.tasks.map((t) => String(t.id));
    fake.resetStats();
    const read = await adapter.getTasks(ids);
    expect([...read.values()].filter(Boolean)).toHaveLength(120);
    // One search, then tags and metadata for 120 tasks (no links anywhere) in batches of 200 calls.
    expect(fake.stats.requests).toBe(1 + Math.ceil((2 * 120) / 200));
  });

  it('writes a move and labels in one request once it knows the project has no automatic actions', async () => {
    const { fake, adapter } = await start('app', { tasks: 1 });
    const id = String(fake.store.tasks[0]!.id);
    // Before a listing the adapter does not know: each event-firing call goes alone.
    await adapter.getTask(id);
    fake.resetStats();
    await adapter.updateTask(id, { status: 'Work in progress', labels: ['claim:x'] });
    expect(fake.stats.requests).toBe(2);
    await adapter.listTasks();
    await adapter.getTask(id);
    fake.resetStats();
    await adapter.updateTask(id, { status: 'Done', labels: [] });
    expect(fake.stats.requestLog[0]!.slice(0, 2)).toEqual(['moveTaskPosition', 'updateTask']);
    expect(fake.stats.requests).toBe(1);
  });

  it('keeps splitting writes when the project has an automatic action, so it runs once per event', async () => {
    const { fake, board, adapter } = await start('app', { tasks: 1 });
    fake.store.actions.push({
      id: 1,
      project_id: board.projectId,
      event_name: 'task.move.column',
      action_name: '\\Kanboard\\Action\\TaskAssignColorColumn',
      params: { column_id: '2', color_id: 'red' },
    });
    const id = String(fake.store.tasks[0]!.id);
    await adapter.listTasks();
    await adapter.getTask(id);
    fake.resetStats();
    await adapter.updateTask(id, { status: 'Work in progress', labels: ['claim:x'] });
    expect(fake.stats.requests).toBe(2);
  });
});
