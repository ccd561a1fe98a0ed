import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { AGENT_NOTES_KEY } from '../../../src/main/core/boards/kanboard/mapping';
import { FakeKanboard, seedStandardBoard, type StandardBoard } from '../../fakes/kanboard';
import { DEFAULT_STATE_SEEDS } from '../../fakes/plane';
import { startPlaneFixture } from '../../boards/plane';
import { startTaigaFixture } from '../../boards/taiga';
import { startWekanFixture } from '../../boards/wekan';
import { splitDescription as splitWekanDescription } from '../../../src/main/core/boards/wekan/mapping';
import { startNotionFixture } from '../../boards/notion';
import { startFocalboardFixture } from '../../boards/focalboard';
import { startLinearFixture } from '../../boards/linear';
import { DEFAULT_STATES as LINEAR_STATES } from '../../fakes/linear';
import {
  joinDescription as joinLinearDescription,
  splitDescription as splitLinearDescription,
} from '../../../src/main/core/boards/linear/mapping';
import { splitNotesSection } from '../../../src/main/core/boards/kit/notes/description-section';
import { textToHtml } from '../../../src/main/core/boards/plane/html';
import { joinDescription, splitDescription } from '../../../src/main/core/boards/plane/mapping';
import { call, startServe, type ServeProcess } from '../../helpers/cli';
import { useTempDirs } from '../../helpers/tmp';
import { EXAMPLE_AGENT } from './harness';
import { columnOf, KB_COLUMN_ROLES, KB_COLUMNS, tagsOf } from '../../boards/kanboard';

/**
 * A person acts on a card while an agent works on it: the real `deckhand
 * serve`, a command agent that thinks until the test lets it answer, and the
 * person's edit landing (and being synced by Deckhand) meanwhile. On the local
 * board the person uses the app's API; on Kanboard (the fake, over HTTP) they use
 * the board's UI from the same account as Deckhand's token, as a solo developer does.
 */
const tempDir = useTempDirs();
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

type Policy = 'ask' | 'last-write-wins' | 'human-wins';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface CardState {
  status: string;
  labels: string[];
  description: string;
  agentNotes: string;
}

/** One board kind: how it is declared, and what a person does on it. */
interface Board {
  config: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  columns: { todo: string; working: string; review: string; blocked: string; done: string };
  connect(server: ServeProcess): void;
  create(title: string, description: string, labels: string[]): Promise<string>;
  move(id: string, column: string): Promise<void>;
  describe(id: string, description: string): Promise<void>;
  unlabel(id: string, label: string): Promise<void>;
  comment(id: string, body: string): Promise<void>;
  card(id: string): Promise<CardState>;
  comments(id: string): Promise<string[]>;
}

function localBoard(): Board {
  let url = '';
  const api = async (method: string, body: unknown): Promise<Json> => {
    const res = await call(url, method, body);
    if (res.status !== 200) throw new Error(`${method}: ${JSON.stringify(res.json)}`);
    return res.json.value;
  };
  const board = 'home';
  return {
    config: { id: board, type: 'local' },
    env: {},
    columns: {
      todo: 'To do',
      working: 'Work in progress',
      review: 'Ready for Review',
      blocked: 'Blocked — Needs Input',
      done: 'Done',
    },
    connect: (server) => (url = server.url),
    create: async (title, description, labels) =>
      (await api('createTask', { boardId: board, fields: { title, description, labels, status: 'To do' } })).id,
    move: async (taskId, status) => void (await api('moveTask', { boardId: board, taskId, status })),
    describe: async (taskId, description) =>
      void (await api('updateTask', { boardId: board, taskId, patch: { description } })),
    unlabel: async (taskId, label) => {
      const card = (await api('listTasks', { boardId: board })).tasks.find((t: Json) => t.id === taskId);
      await api('updateTask', {
        boardId: board,
        taskId,
        patch: { labels: card.labels.filter((l: string) => l !== label) },
      });
    },
    comment: async (taskId, body) => void (await api('addComment', { boardId: board, taskId, body })),
    card: async (taskId) => (await api('listTasks', { boardId: board })).tasks.find((t: Json) => t.id === taskId),
    comments: async (taskId) => (await api('listComments', { boardId: board, taskId })).map((c: Json) => c.body),
  };
}

async function kanboardBoard(): Promise<Board> {
  const fake = await FakeKanboard.start();
  cleanup.push(() => fake.stop());
  const seeded: StandardBoard = seedStandardBoard(fake, { columns: KB_COLUMNS });
  // The person is the same Kanboard account Deckhand's token belongs to.
  const person = fake.human('deckhand');
  const n = Number;
  return {
    config: {
      id: 'kb',
      type: 'kanboard',
      url: fake.url,
      project: seeded.projectName,
      username: 'deckhand',
      token: { env: 'KB_TOKEN' },
      poll: { interval: '1s' },
      columns: KB_COLUMN_ROLES,
    },
    env: { KB_TOKEN: seeded.botToken },
    columns: { ...KB_COLUMN_ROLES, done: 'Done' },
    connect: () => undefined,
    create: async (title, description, tags) =>
      String(await person.createTask(seeded.projectId, { title, description, tags, column: 'Ready' })),
    move: (id, column) => person.moveTask(n(id), column),
    describe: (id, description) => person.updateTask(n(id), { description }),
    unlabel: (id, label) => person.updateTask(n(id), { tags: tagsOf(fake, n(id)).filter((t) => t !== label) }),
    comment: async (id, body) => void (await person.comment(n(id), body)),
    card: async (id) => {
      const row = fake.store.task(n(id))!;
      const notes = fake.store.metadataOf(n(id))[AGENT_NOTES_KEY];
      return {
        status: columnOf(fake, n(id)),
        labels: tagsOf(fake, n(id)).sort(),
        description: row.description,
        agentNotes: notes ?? '',
      };
    },
    comments: async (id) =>
      fake.store.comments
        .filter((c) => c.task_id === n(id))
        .sort((a, b) => a.id - b.id)
        .map((c) => c.comment),
  };
}

async function planeBoard(): Promise<Board> {
  // Plane's default states plus a Blocked one (started group), as a person adds in project settings.
  const states = [...DEFAULT_STATE_SEEDS];
  states.splice(
    states.findIndex((st) => st.name === 'Done'),
    0,
    { name: 'Blocked', group: 'started', color: '#DC2626' },
  );
  const fx = await startPlaneFixture({}, { states });
  cleanup.push(() => fx.stop());
  // The person is the Plane account Deckhand's API key belongs to.
  const person = fx.fake.human(fx.fake.botUser.display_name);
  const columns = { todo: 'Todo', working: 'In Progress', review: 'In Review', blocked: 'Blocked', done: 'Done' };
  const read = async (id: string) => (await fx.adapter.getTask(id))!;
  return {
    config: {
      ...fx.configEntry,
      poll: { interval: '1s' },
      columns: { working: 'In Progress', review: 'In Review', blocked: 'Blocked' },
    },
    env: fx.secrets,
    columns,
    connect: () => undefined,
    create: async (title, description, labels) =>
      (await person.createWorkItem({ ...fx.humanFields({ description, labels, status: 'Todo' }), name: title })).id,
    move: (id, state) => person.moveTo(id, state),
    // The editor keeps the agent-notes section of the description; the person rewrites the text above it.
    describe: async (id, description) => {
      const { agentNotes } = splitDescription(fx.fake.workItem(id)!.description_html);
      await person.update(id, { description: joinDescription(description, agentNotes) });
    },
    unlabel: async (id, label) =>
      person.setLabels(
        id,
        (await read(id)).labels.filter((l) => l !== label),
      ),
    comment: async (id, body) => void (await person.comment(id, textToHtml(body))),
    card: async (id) => {
      const task = await read(id);
      return {
        status: task.status,
        labels: [...task.labels].sort(),
        description: task.description,
        agentNotes: task.agentNotes ?? '',
      };
    },
    comments: async (id) => (await fx.adapter.listComments(id)).map((c) => c.body),
  };
}

async function taigaBoard(): Promise<Board> {
  const fx = await startTaigaFixture();
  cleanup.push(() => fx.stop());
  // A Blocked status before Done, as a person adds in Admin > Attributes > Statuses.
  fx.fake.store.addStatus('Blocked', 'Done');
  // The person is admin, the Taiga account Deckhand logs in as.
  const person = fx.fake.human('admin');
  const columns = { todo: 'Ready', working: 'In progress', review: 'Ready for test', blocked: 'Blocked', done: 'Done' };
  const story = (id: string) => fx.fake.store.story(Number(id))!;
  return {
    config: {
      ...fx.configEntry,
      poll: { interval: '1s' },
      columns: { todo: 'Ready', working: 'In progress', review: 'Ready for test', blocked: 'Blocked' },
    },
    env: fx.secrets,
    columns,
    connect: () => undefined,
    create: (title, description, labels) => fx.humanCreate(person, { title, description, labels, status: 'Ready' }),
    move: (id, status) => person.move(Number(id), status),
    // Taiga's editor shows the whole description, notes section included; the person rewrites the text above it.
    describe: (id, description) => fx.humanEdit(person, id, { description }),
    unlabel: (id, label) =>
      person.setTags(
        Number(id),
        story(id).tags.filter((t) => t !== label),
      ),
    comment: async (id, body) => void (await person.comment(Number(id), body)),
    card: async (id) => {
      const row = story(id);
      const { description, agentNotes } = splitNotesSection(row.description);
      return {
        status: fx.fake.store.status(row.statusId)!.name,
        labels: [...row.tags].sort(),
        description,
        agentNotes,
      };
    },
    comments: async (id) => (await fx.adapter.listComments(id)).map((c) => c.body),
  };
}

async function wekanBoard(): Promise<Board> {
  const fx = await startWekanFixture();
  cleanup.push(() => fx.stop());
  // The person is admin, the WeKan account Deckhand logs in as.
  const person = fx.fake.human('admin');
  const roles = { todo: 'Todo', working: 'Doing', review: 'Review', blocked: 'Blocked' };
  const card = (id: string) => fx.fake.store.card(id)!;
  const labelName = (labelId: string) => fx.fake.board.labels.find((l) => l._id === labelId)!.name;
  return {
    config: { ...fx.configEntry, poll: { interval: '1s' }, columns: roles },
    env: fx.secrets,
    columns: { ...roles, done: 'Done' },
    connect: () => undefined,
    create: async (title, description, labels) =>
      fx.humanCreate(person, { title, description, labels, status: 'Todo' }),
    move: async (id, status) => fx.humanEdit(person, id, { status }),
    // WeKan's description editor shows the notes section too; the person rewrites the text above it.
    describe: async (id, description) => fx.humanEdit(person, id, { description }),
    unlabel: async (id, label) =>
      fx.humanEdit(person, id, {
        labels: card(id)
          .labelIds.map(labelName)
          .filter((l) => l !== label),
      }),
    comment: async (id, body) => void person.comment(id, body),
    card: async (id) => {
      const row = card(id);
      const { description, agentNotes } = splitWekanDescription(row.description);
      return {
        status: fx.fake.store.lists.find((l) => l._id === row.listId)!.title,
        labels: row.labelIds.map(labelName).sort(),
        description,
        agentNotes,
      };
    },
    comments: async (id) => (await fx.adapter.listComments(id)).map((c) => c.body),
  };
}

async function notionBoard(): Promise<Board> {
  const fx = await startNotionFixture();
  cleanup.push(() => fx.stop());
  // In Notion Deckhand is an integration (a bot user); the person edits and comments as themselves.
  const person = fx.fake.human('alice');
  const read = async (id: string) => (await fx.adapter.getTask(id))!;
  return {
    config: { ...fx.configEntry, poll: { interval: '1s' }, columns: fx.columns },
    env: fx.secrets,
    columns: fx.columns,
    connect: () => undefined,
    create: async (title, description, labels) =>
      fx.humanCreate(person, { title, description, labels, status: fx.columns.todo }),
    move: async (id, status) => fx.humanEdit(person, id, { status }),
    // The person rewrites the text above Deckhand's notes callout and leaves the callout alone.
    describe: async (id, description) => fx.humanEdit(person, id, { description }),
    unlabel: async (id, label) =>
      fx.humanEdit(person, id, { labels: (await read(id)).labels.filter((l) => l !== label) }),
    comment: async (id, body) => void person.comment(id, body),
    card: async (id) => {
      const task = await read(id);
      return {
        status: task.status,
        labels: [...task.labels].sort(),
        description: task.description,
        agentNotes: task.agentNotes,
      };
    },
    comments: async (id) => (await fx.adapter.listComments(id)).map((c) => c.body),
  };
}

async function focalboardBoard(): Promise<Board> {
  // A board whose last column is named Done, as the scenarios' messages say.
  const fx = await startFocalboardFixture(
    {},
    { statuses: ['Not Started', 'In Progress', 'Review', 'Blocked', 'Done'] },
  );
  cleanup.push(() => fx.stop());
  // The person is admin, the Focalboard account whose session token Deckhand uses.
  const person = fx.fake.human('admin');
  const read = async (id: string) => (await fx.adapter.getTask(id))!;
  return {
    config: { ...fx.configEntry, poll: { interval: '1s' } },
    env: fx.secrets,
    columns: fx.columns,
    connect: () => undefined,
    create: async (title, description, labels) =>
      fx.humanCreate(person, { title, description, labels, status: fx.columns.todo }),
    move: async (id, status) => fx.humanEdit(person, id, { status }),
    // The person rewrites their text block; Deckhand's notes block is a separate block they leave alone.
    describe: async (id, description) => fx.humanEdit(person, id, { description }),
    unlabel: async (id, label) =>
      fx.humanEdit(person, id, { labels: (await read(id)).labels.filter((l) => l !== label) }),
    comment: async (id, body) => void person.comment(id, body),
    card: async (id) => {
      const task = await read(id);
      return {
        status: task.status,
        labels: [...task.labels].sort(),
        description: task.description,
        agentNotes: task.agentNotes,
      };
    },
    comments: async (id) => (await fx.adapter.listComments(id)).map((c) => c.body),
  };
}

async function linearBoard(): Promise<Board> {
  // Linear's default workflow plus a Blocked state, as a team adds in its settings.
  const states = [
    ...LINEAR_STATES.slice(0, 4),
    { name: 'Blocked', type: 'started' as const },
    ...LINEAR_STATES.slice(4),
  ];
  const fx = await startLinearFixture({}, { states });
  cleanup.push(() => fx.stop());
  // The person is the Linear account Deckhand's API key belongs to.
  const person = fx.fake.human('deckhand');
  const roles = { working: 'In Progress', review: 'In Review', blocked: 'Blocked' };
  const read = async (id: string) => (await fx.adapter.getTask(id))!;
  return {
    config: { ...fx.configEntry, poll: { interval: '1s' }, columns: roles },
    env: fx.secrets,
    columns: { todo: 'Todo', ...roles, done: 'Done' },
    connect: () => undefined,
    create: async (title, description, labels) =>
      (await person.createIssue({ title, description, labels, state: 'Todo' })).id,
    move: (id, state) => person.update(id, { state }),
    // Linear's editor shows the notes section too; the person rewrites the text above it.
    describe: async (id, description) => {
      const { agentNotes } = splitLinearDescription(fx.fake.store.issues.get(id)!.description);
      await person.update(id, { description: joinLinearDescription(description, agentNotes) });
    },
    unlabel: async (id, label) => person.update(id, { labels: (await read(id)).labels.filter((l) => l !== label) }),
    comment: async (id, body) => void (await person.comment(id, body)),
    card: async (id) => {
      const task = await read(id);
      return {
        status: task.status,
        labels: [...task.labels].sort(),
        description: task.description,
        agentNotes: task.agentNotes,
      };
    },
    comments: async (id) => (await fx.adapter.listComments(id)).map((c) => c.body),
  };
}

const BOARDS: Record<string, () => Promise<Board>> = {
  'local board': async () => localBoard(),
  'Kanboard (same account as Deckhand)': kanboardBoard,
  'Plane (same account as Deckhand)': planeBoard,
  'Taiga (same account as Deckhand)': taigaBoard,
  'WeKan (same account as Deckhand)': wekanBoard,
  'Notion (a person and the integration)': notionBoard,
  'Focalboard (same account as Deckhand)': focalboardBoard,
  'Linear (same account as Deckhand)': linearBoard,
};

/**
 * The slow agent: each call waits for its own go-ahead file (the agent is
 * thinking), then answers like the example agent (notes; a question when the
 * description has an "ask:" line).
 */
function slowAgent(dir: string): { program: string; calls(): number; answer(call: number): void } {
  const callsFile = join(dir, 'calls');
  const program = join(dir, 'slow-agent');
  writeFileSync(
    program,
    [
      '#!/bin/sh',
      `n=$(( $(cat ${JSON.stringify(callsFile)} 2>/dev/null | wc -l) + 1 ))`,
      `echo $n >> ${JSON.stringify(callsFile)}`,
      `while [ ! -f ${JSON.stringify(join(dir, 'go-'))}$n ]; do sleep 0.05; done`,
      `exec ${EXAMPLE_AGENT.map((part) => JSON.stringify(part)).join(' ')}`,
      '',
    ].join('\n'),
  );
  chmodSync(program, 0o755);
  return {
    program,
    calls: () =>
      existsSync(callsFile) ? readFileSync(callsFile, 'utf8').trim().split('\n').filter(Boolean).length : 0,
    answer: (n) => writeFileSync(join(dir, `go-${n}`), ''),
  };
}

interface Scenario {
  board: Board;
  server: ServeProcess;
  agent: ReturnType<typeof slowAgent>;
  boardId: string;
  api(method: string, body?: unknown): Promise<Json>;
}

async function start(makeBoard: () => Promise<Board>, policy?: Policy): Promise<Scenario> {
  const dir = tempDir();
  const board = await makeBoard();
  const agent = slowAgent(dir);
  const boardId = board.config.id as string;
  writeFileSync(
    join(dir, 'deckhand.yml'),
    stringify({
      schema_version: 1,
      boards: [board.config],
      ...(policy ? { ownership: { status: { owner: 'shared', policy } } } : {}),
      agents: [
        {
          id: 'coder',
          board: boardId,
          workflow: 'pickup',
          routes: { labels: ['needs-ai'] },
          provider: { type: 'command', command: [agent.program], timeout: '60s' },
        },
      ],
    }),
  );
  const server = await startServe(['--config', join(dir, 'deckhand.yml'), '--data', join(dir, 'data')], board.env);
  cleanup.push(() => server.stop());
  board.connect(server);
  const api = async (method: string, body: unknown = {}): Promise<Json> => {
    const res = await call(server.url, method, body);
    if (res.status !== 200) throw new Error(`${method}: ${JSON.stringify(res.json)}`);
    return res.json.value;
  };
  return { board, server, agent, boardId, api };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function log(s: Scenario, taskId: string, action: string): Promise<Json[]> {
  return (await s.api('listLog', { limit: 1000, filter: { boardId: s.boardId, taskId, action } })).entries;
}

/** The person's edit is in Deckhand's synced copy: the case that used to be overwritten. */
async function synced(s: Scenario, taskId: string, field: string): Promise<void> {
  await until(`Deckhand to sync the person's ${field}`, async () =>
    (await log(s, taskId, 'field.changed')).some((e) => e.actor === 'human' && e.field === field),
  );
}

async function finishedRun(s: Scenario, taskId: string): Promise<Json> {
  return until('the run to finish', async () => {
    const runs: Json[] = await s.api('listRuns', { taskId });
    return runs.find((r) => ['done', 'failed'].includes(r.state));
  });
}

/** Creates a routed card and waits until the agent is thinking about it (claimed, in the working column). */
async function cardUnderWork(s: Scenario, description = 'Make the parser faster.'): Promise<string> {
  const id = await s.board.create('Speed up the parser', description, ['needs-ai']);
  await until('the agent to start thinking', () => s.agent.calls() >= 1);
  await until('the claim to be on the board', async () => (await s.board.card(id)).status === s.board.columns.working);
  return id;
}

/**
 * The person moves the card to Done while the agent thinks, Deckhand syncs the move, then the agent answers.
 * Whatever the policy, the card stays in Done with the agent's notes and without its claim label.
 */
async function movedToDoneMidRun(
  makeBoard: () => Promise<Board>,
  policy: Policy,
): Promise<{ s: Scenario; id: string; run: Json }> {
  const s = await start(makeBoard, policy);
  const id = await cardUnderWork(s);
  await s.board.move(id, s.board.columns.done);
  await synced(s, id, 'status');
  s.agent.answer(1);
  const run = await finishedRun(s, id);
  const card = await s.board.card(id);
  expect(card.status).toBe(s.board.columns.done);
  expect(card.agentNotes).toContain('Read "Speed up the parser"');
  expect(card.labels).toEqual(['needs-ai']);
  return { s, id, run };
}

for (const [name, makeBoard] of Object.entries(BOARDS)) {
  describe(`a person edits a card while an agent works on it: ${name}`, () => {
    it('status `ask`: a card moved to Done stays in Done, one conflict is open, the notes land', async () => {
      const { s, id, run } = await movedToDoneMidRun(makeBoard, 'ask');
      const conflicts: Json[] = await s.api('listConflicts', { state: 'open' });
      expect(conflicts).toEqual([
        expect.objectContaining({
          taskId: id,
          field: 'status',
          base: s.board.columns.working,
          human: s.board.columns.done,
          agent: s.board.columns.review,
        }),
      ]);
      expect(run.state).toBe('done');
      expect(run.outcome).toMatch(/^skipped: a person moved it to Done while the agent worked; .*conflict #\d+/);
      expect(await log(s, id, 'agent.run.skipped')).toHaveLength(1);
      const changed = await log(s, id, 'agent.run.task-changed');
      expect(changed).toHaveLength(1);
      expect(changed[0].reason).toContain(`moved to ${s.board.columns.done}`);
      const detail = await s.api('getRun', { id: run.id });
      expect(detail.steps[0].changedDuringRun).toEqual([
        expect.objectContaining({ field: 'status', after: s.board.columns.done, summary: 'moved to Done' }),
      ]);
    }, 60_000);

    for (const policy of ['last-write-wins', 'human-wins'] as const) {
      it(`status \`${policy}\`: a card moved to Done stays there, the agent's move is logged as lost`, async () => {
        const { s, id, run } = await movedToDoneMidRun(makeBoard, policy);
        expect(await s.api('listConflicts', { state: 'open' })).toEqual([]);
        const lost = (await log(s, id, 'field.lost')).filter((e) => e.field === 'status');
        expect(lost).toEqual([
          expect.objectContaining({
            before: s.board.columns.review,
            after: s.board.columns.done,
            reason: 'moved to Done by a person during the run; left there',
          }),
        ]);
        expect(run.outcome).toBe('skipped: moved to Done by a person during the run; left there; notes delivered');
        // Nothing of the person's move was overwritten, not even for a moment.
        const statusWrites = (await log(s, id, 'field.written')).filter((e) => e.field === 'status');
        expect(statusWrites.map((e) => e.after)).toEqual([s.board.columns.working]);
      }, 60_000);
    }

    it('a description edited mid-run is kept; the run says the task changed under it', async () => {
      const s = await start(makeBoard);
      const id = await cardUnderWork(s);
      await s.board.describe(id, 'Actually: make the lexer faster, the parser is fine.');
      await synced(s, id, 'description');
      s.agent.answer(1);

      const run = await finishedRun(s, id);
      const card = await s.board.card(id);
      expect(card.description).toBe('Actually: make the lexer faster, the parser is fine.');
      expect(card.status).toBe(s.board.columns.review);
      expect(card.agentNotes).toContain('Read "Speed up the parser"');
      expect(run.outcome).toBe(`completed; moved to ${s.board.columns.review}`);
      const changed = await log(s, id, 'agent.run.task-changed');
      expect(changed).toHaveLength(1);
      expect(changed[0].reason).toMatch(/^re-described while agent coder worked/);
      const detail = await s.api('getRun', { id: run.id });
      expect(detail.steps[0].changedDuringRun).toEqual([expect.objectContaining({ field: 'description' })]);
      expect((await log(s, id, 'field.written')).filter((e) => e.field === 'description')).toEqual([]);
    }, 60_000);

    it('a routing label removed mid-run stays removed', async () => {
      const s = await start(makeBoard);
      const id = await s.board.create('Speed up the parser', 'Make it faster.', ['needs-ai', 'backend']);
      await until('the agent to start thinking', () => s.agent.calls() >= 1);
      await until('the claim', async () => (await s.board.card(id)).status === s.board.columns.working);
      await s.board.unlabel(id, 'needs-ai');
      await synced(s, id, 'labels');
      s.agent.answer(1);

      await finishedRun(s, id);
      const card = await s.board.card(id);
      expect(card.labels).toEqual(['backend']);
      expect(card.agentNotes).toContain('Read "Speed up the parser"');
      const changed = await log(s, id, 'agent.run.task-changed');
      expect(changed[0].reason).toMatch(/^unlabelled needs-ai while agent coder worked/);
      // Settled: no later sync brings it back.
      await new Promise((r) => setTimeout(r, 1_500));
      expect((await s.board.card(id)).labels).toEqual(['backend']);
    }, 60_000);

    it('an answer written from the same account as Deckhand resumes the run with it; the question is not asked again', async () => {
      const s = await start(makeBoard);
      const id = await s.board.create('Pick a database', 'ask: Which database should I use?', ['needs-ai']);
      s.agent.answer(1);
      await until(
        'the question',
        async () => (await s.api('listRuns', { taskId: id }))[0]?.state === 'waiting-for-human',
      );
      expect((await s.board.card(id)).status).toBe(s.board.columns.blocked);
      await s.board.comment(id, 'Postgres 16, please.');
      await s.board.move(id, s.board.columns.working);
      s.agent.answer(2);

      const run = await finishedRun(s, id);
      expect(run.state).toBe('done');
      expect(run.answer).toBe('Postgres 16, please.');
      const card = await s.board.card(id);
      expect(card.agentNotes).toContain('The answer: Postgres 16, please.');
      expect(card.status).toBe(s.board.columns.review);
      const questions = (await s.board.comments(id)).filter((c) => c.startsWith('Question from agent coder'));
      expect(questions).toHaveLength(1);
      expect(s.agent.calls()).toBe(2);
      const answered = await log(s, id, 'agent.run.answered');
      expect(answered.map((e) => e.reason)).toEqual(['a person answered; the run continues']);
    }, 60_000);
  });
}
