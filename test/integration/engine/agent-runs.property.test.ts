/**
 * Property test of agent writes with think time (fast-check), on the local
 * board and on the Kanboard fake over HTTP. One agent run reads its task (the
 * basis), thinks while people edit the card, then submits one update based on
 * what it read; people keep editing while the write waits in the outbox and
 * after it is delivered. Field policies are random, and so are delivery faults
 * (a transient error, a lost answer after the board applied the write, a 429)
 * and replays of the same intent.
 *
 * Invariants, checked once everything has settled:
 * - a person's edit made after the basis is never overwritten unless the
 *   policy lets the later write win and the person's value is logged as
 *   `field.lost`; an agent value that does not land is either a conflict that
 *   is open (`ask`) or a `field.lost` naming it (and the board's value), or was
 *   written and a person changed it again later;
 * - human-owned fields are never written by the agent (refused and logged);
 * - a label a person removed never comes back, and a label a person added stays;
 * - no effect is applied twice (a replay queues nothing, each field is written
 *   at most once by the intent).
 *
 * Every value is fresh (never reused), so "whose value is on the board" is
 * always well defined. The clock (Date only) advances one second per step.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KanboardAdapter } from '../../../src/main/core/boards/kanboard';
import { BoardError } from '../../../src/main/core/boards/contract/errors';
import type { BoardRunner } from '../../../src/main/core/engine/board-runner';
import { basisOf, type Intent } from '../../../src/main/core/engine/intents';
import { SyncEngine } from '../../../src/main/core/engine/sync-engine';
import { EventBus } from '../../../src/main/core/events';
import { closeDatabase, openDatabase } from '../../../src/main/core/store/database';
import { LogRepo } from '../../../src/main/core/store/log-repo';
import { PauseRepo } from '../../../src/main/core/store/pause-repo';
import type { SyncLogEntry } from '../../../src/shared/model';
import { defaultOwnershipRules, type FieldRule, type OwnershipRules } from '../../../src/shared/ownership';
import type { Task } from '../../../src/shared/task';
import { FakeKanboard, seedStandardBoard } from '../../fakes/kanboard';
import { createEngineHarness } from '../../helpers/engine';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();
/** CI runs 100 per board; DECKHAND_PROP_RUNS (and DECKHAND_PROP_SEED) for a longer soak or a replay. */
const RUNS = Number(process.env.DECKHAND_PROP_RUNS ?? 100);
const SEED = process.env.DECKHAND_PROP_SEED ? Number(process.env.DECKHAND_PROP_SEED) : undefined;
const AGENT = 'agent:thinker';
const START_MS = Date.parse('2031-03-01T09:00:00.000Z');
/** More columns than a case has status edits, so each move goes to a column never used before in the case. */
const COLUMNS = Array.from({ length: 40 }, (_, i) => `C${i}`);

type Fault = 'transient' | 'lost-answer' | 'rate-limited';
type Human =
  | { kind: 'status' }
  | { kind: 'title' }
  | { kind: 'description' }
  | { kind: 'labelAdd' }
  | { kind: 'labelRemove'; pick: number };
type Step =
  { kind: 'human'; edit: Human } | { kind: 'sync' | 'poll' | 'drain' | 'replay' } | { kind: 'fault'; fault: Fault };

interface Case {
  rules: Partial<Record<'status' | 'title' | 'labels' | 'agentNotes', FieldRule>>;
  agent: { status: boolean; compareAndSet: boolean; title: boolean; notes: boolean; dropLabel: number | null };
  before: Step[];
  thinking: Step[];
  after: Step[];
}

const humanArb: fc.Arbitrary<Human> = fc.oneof(
  fc.constant({ kind: 'status' as const }),
  fc.constant({ kind: 'title' as const }),
  fc.constant({ kind: 'description' as const }),
  fc.constant({ kind: 'labelAdd' as const }),
  fc.record({ kind: fc.constant('labelRemove' as const), pick: fc.nat() }),
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('human' as const), edit: humanArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('sync' as const, 'poll' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drain' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replay' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('fault' as const),
      fault: fc.constantFrom<Fault>('transient', 'lost-answer', 'rate-limited'),
    }),
  },
);
const shared = (policies: FieldRule['policy'][]): fc.Arbitrary<FieldRule> =>
  fc.constantFrom(...policies).map((policy) => ({ owner: 'shared' as const, policy }));
const caseArb: fc.Arbitrary<Case> = fc.record({
  rules: fc.record({
    status: fc.oneof(
      shared(['ask', 'last-write-wins', 'human-wins', 'agent-wins']),
      fc.constant<FieldRule>({ owner: 'human', policy: 'human-wins' }),
    ),
    title: fc.oneof(
      shared(['ask', 'last-write-wins', 'human-wins']),
      fc.constant<FieldRule>({ owner: 'human', policy: 'human-wins' }),
    ),
    labels: shared(['merge', 'ask', 'last-write-wins', 'human-wins']),
    agentNotes: fc.oneof(
      fc.constant<FieldRule>({ owner: 'ai', policy: 'agent-wins' }),
      shared(['last-write-wins', 'human-wins']),
    ),
  }),
  agent: fc.record({
    status: fc.boolean(),
    compareAndSet: fc.boolean(),
    title: fc.boolean(),
    notes: fc.boolean(),
    dropLabel: fc.option(fc.nat(), { nil: null }),
  }),
  before: fc.array(stepArb, { maxLength: 4 }),
  thinking: fc.array(stepArb, { maxLength: 8 }),
  after: fc.array(stepArb, { maxLength: 8 }),
});

// ---------------------------------------------------------------------------
// The boards: one task, a person's edits, faults on the next write

interface Truth {
  status: string;
  title: string;
  description: string;
  labels: string[];
  agentNotes: string;
}

interface Subject {
  boardId: string;
  taskId: string;
  engine: SyncEngine;
  runner: BoardRunner;
  rules: OwnershipRules;
  read(): Promise<Task>;
  truth(): Truth;
  human(patch: Partial<Truth>): Promise<void>;
  /** The board's next write fails this way. */
  fault(fault: Fault): void;
  clearFaults(): void;
  log(action: string): SyncLogEntry[];
  close(): Promise<void>;
}

const INITIAL = { title: 'T0', description: 'D0', status: 'C0', labels: ['keep-a', 'keep-b', 'route'] };

async function localSubject(): Promise<Subject> {
  const pending: Fault[] = [];
  const next = (kinds: Fault[]): BoardError | undefined => {
    const fault = pending[0];
    if (!fault || !kinds.includes(fault)) return undefined;
    pending.shift();
    return fault === 'rate-limited'
      ? new BoardError('rate_limited', 'too many requests', 1_000)
      : new BoardError('transient', fault === 'lost-answer' ? 'connection reset after the write' : 'bad gateway');
  };
  const rules = defaultOwnershipRules();
  const h = createEngineHarness({
    dir: tempDir(),
    boardId: 'prop-local',
    boardNow: () => Date.now(),
    columns: COLUMNS,
    rules,
    faults: {
      failNext: (op) => (op === 'updateTask' ? next(['transient', 'rate-limited']) : undefined),
      failAfterWrite: (op) => (op === 'updateTask' ? next(['lost-answer']) : undefined),
    },
  });
  const task = h.humanCreate(INITIAL);
  await h.runner.fullReconcile();
  return {
    boardId: h.boardId,
    taskId: task.id,
    engine: h.engine,
    runner: h.runner,
    rules: h.rules,
    read: async () => (await h.adapter.getTask(task.id))!,
    truth: () => h.boardTask(task.id),
    human: async (patch) => void h.humanEdit(task.id, patch),
    fault: (f) => void pending.push(f),
    clearFaults: () => void pending.splice(0),
    log: (action) => h.log({ action }),
    close: () => h.close(),
  };
}

/** Kanboard's write methods: a fault on "the next write" must not hit a read. */
const isWrite = (methods: string[]): boolean =>
  methods.some((m) => /^(update|move|set|save|create|remove|close|open)/.test(m));

async function kanboardSubject(): Promise<Subject> {
  const fake = await FakeKanboard.start();
  const seeded = seedStandardBoard(fake, { columns: COLUMNS });
  const person = fake.human('alice');
  const id = await person.createTask(seeded.projectId, {
    title: INITIAL.title,
    description: INITIAL.description,
    column: INITIAL.status,
    tags: INITIAL.labels,
  });
  const adapter = new KanboardAdapter({
    boardId: 'prop-kb',
    url: fake.url,
    project: seeded.projectName,
    token: seeded.appToken,
  });
  await adapter.connect();
  const db = openDatabase(tempDir());
  const rules = defaultOwnershipRules();
  const logRepo = new LogRepo(db);
  const engine = new SyncEngine({
    db,
    events: new EventBus(),
    log: logRepo,
    pauses: new PauseRepo(db),
    boards: [adapter],
    ownership: () => rules,
    runner: { autoStart: false, requestsPerMinute: 1_000_000_000 },
  });
  const runner = engine.runner('prop-kb');
  await runner.fullReconcile();
  const taskId = String(id);
  const columnTitle = (columnId: number): string =>
    fake.store.projectColumns(seeded.projectId).find((c) => c.id === columnId)!.title;
  return {
    boardId: 'prop-kb',
    taskId,
    engine,
    runner,
    rules,
    read: async () => (await adapter.getTask(taskId))!,
    truth: () => {
      const row = fake.store.task(id)!;
      return {
        status: columnTitle(row.column_id),
        title: row.title,
        description: row.description,
        labels: Object.values(fake.store.tagList(id)).sort(),
        agentNotes: fake.store.metadataOf(id)['agent_notes'] ?? '',
      };
    },
    human: async (patch) => {
      if (patch.status !== undefined) await person.moveTask(id, patch.status);
      const rest = {
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.labels !== undefined ? { tags: patch.labels } : {}),
      };
      if (Object.keys(rest).length > 0) await person.updateTask(id, rest);
    },
    fault: (f) =>
      void fake.faults.push(
        f === 'transient'
          ? { when: isWrite, status: 502, body: 'Bad Gateway' }
          : f === 'lost-answer'
            ? { when: isWrite, afterRun: true, destroy: true }
            : { when: isWrite, status: 429, body: 'Too Many Requests', headers: { 'retry-after': '1' } },
      ),
    clearFaults: () => void fake.faults.splice(0),
    log: (action) => [...logRepo.iterate({ action })],
    close: async () => {
      await engine.stop();
      closeDatabase(db);
      await fake.stop();
    },
  };
}

// ---------------------------------------------------------------------------
// One case

let clock = START_MS;
const tick = (ms = 1_000): number => {
  clock += ms;
  vi.setSystemTime(clock);
  return clock;
};

interface HumanEdit {
  t: number;
  field: 'status' | 'title' | 'description' | 'labels';
  value: unknown;
}

async function runCase(make: () => Promise<Subject>, c: Case): Promise<void> {
  clock = START_MS;
  vi.setSystemTime(clock);
  let fresh = 0;
  const s = await make();
  try {
    Object.assign(s.rules, c.rules);
    const edits: HumanEdit[] = [];
    const removedByPerson = new Set<string>();
    const addedByPerson = new Set<string>();
    let intent: Intent | undefined = undefined; // set once the run submits; replays before that are no-ops

    const step = async (st: Step): Promise<void> => {
      const t = tick();
      switch (st.kind) {
        case 'human': {
          const now = s.truth();
          const e = st.edit;
          let patch: Partial<Truth>;
          if (e.kind === 'status') patch = { status: COLUMNS[++fresh % COLUMNS.length]! };
          else if (e.kind === 'title') patch = { title: `title-${++fresh}` };
          else if (e.kind === 'description') patch = { description: `description-${++fresh}` };
          else if (e.kind === 'labelAdd') {
            const label = `h${++fresh}`;
            addedByPerson.add(label);
            patch = { labels: [...now.labels, label] };
          } else {
            if (now.labels.length === 0) return;
            const label = now.labels[e.pick % now.labels.length]!;
            removedByPerson.add(label);
            addedByPerson.delete(label);
            patch = { labels: now.labels.filter((l) => l !== label) };
          }
          await s.human(patch);
          const [field, value] = Object.entries(patch)[0]! as [HumanEdit['field'], unknown];
          edits.push({ t, field, value });
          return;
        }
        case 'sync':
          s.runner.hint([s.taskId]);
          await s.runner.flushHints();
          return;
        case 'poll':
          await s.runner.poll();
          return;
        case 'drain':
          await s.runner.drainOutbox();
          return;
        case 'replay':
          if (!intent) return;
          expect(s.engine.submitIntent(intent).queued, 'a replayed intent queues nothing').toBe(false);
          return;
        case 'fault':
          s.fault(st.fault);
          return;
      }
    };

    for (const st of c.before) await step(st);
    // The run reads its task; the agent thinks while people go on.
    tick();
    const read = await s.read();
    const readAt = clock;
    const basis = basisOf(read, new Date(readAt));
    for (const st of c.thinking) await step(st);

    const agentLabel = `agent-${++fresh}`;
    const dropped = c.agent.dropLabel === null ? undefined : read.labels[c.agent.dropLabel % read.labels.length];
    const agentValues = {
      ...(c.agent.status ? { status: COLUMNS[++fresh % COLUMNS.length]! } : {}),
      ...(c.agent.title ? { title: `agent-title-${++fresh}` } : {}),
      ...(c.agent.notes ? { agentNotes: `notes-${++fresh}` } : {}),
    };
    const labels = [...read.labels.filter((l) => l !== dropped), agentLabel];
    intent = {
      kind: 'update',
      boardId: s.boardId,
      taskId: s.taskId,
      actor: AGENT,
      patch: { ...agentValues, labels },
      basis,
      ...(c.agent.status && c.agent.compareAndSet ? { onlyIfUnchanged: ['status' as const] } : {}),
      reason: 'the run finished',
      scope: 'run-1',
    };
    const intentAt = tick();
    const submitted = s.engine.submitIntent(intent);
    for (const st of c.after) await step(st);

    // Settle: faults cleared, every retry's time has come, everything re-read.
    s.clearFaults();
    for (let round = 0; round < 10 && s.engine.outbox.counts().pending > 0; round++) {
      tick(120_000);
      await s.runner.drainOutbox();
    }
    s.runner.hint([s.taskId]);
    await s.runner.flushHints();
    await s.runner.fullReconcile();
    expect(s.engine.outbox.counts(), 'nothing is left in the outbox').toEqual({ pending: 0, parked: 0 });

    const final = s.truth();
    const op = submitted.operationId;
    const ofOp = (action: string): SyncLogEntry[] => s.log(action).filter((e) => e.operationId === op);
    const written = ofOp('field.written');
    const lost = ofOp('field.lost');
    const refused = ofOp('write.refused');
    const conflicts = s.engine.conflicts.list('open').filter((x) => x.operationId === op);

    // No effect twice: each field at most one write by this intent.
    for (const field of new Set(written.map((e) => e.field))) {
      expect(
        written.filter((e) => e.field === field),
        `${field} written once`,
      ).toHaveLength(1);
    }

    for (const [field, agentValue] of Object.entries(agentValues) as [keyof typeof agentValues, string][]) {
      const rule = s.rules[field];
      const mine = edits.filter((e) => e.field === field);
      const latestHuman = mine.at(-1)?.value ?? read[field];
      const concurrent = mine.filter((e) => e.t > readAt);
      const what = `${field} (${rule.owner}/${rule.policy}${field === 'status' && intent.onlyIfUnchanged ? ', compare-and-set' : ''})`;
      if (rule.owner === 'human') {
        expect(final[field], `${what}: a human-owned field keeps the person's value`).toBe(latestHuman);
        expect(written.filter((e) => e.field === field)).toEqual([]);
        expect(refused.some((e) => e.field === field)).toBe(true);
        continue;
      }
      const wasWritten = written.some((e) => e.field === field && e.after === agentValue);
      if (final[field] === agentValue) {
        // The agent's value stands. Every concurrent edit of the person was overwritten: allowed only when the
        // policy lets the agent's write win (under last-write-wins, only if it was the later one), and logged.
        if (concurrent.length > 0) {
          expect(['last-write-wins', 'agent-wins'], `${what}: overwrote a person's concurrent edit`).toContain(
            rule.policy,
          );
          expect(field === 'status' && intent.onlyIfUnchanged, `${what}: a compare-and-set move overwrote`).toBeFalsy();
          if (rule.policy === 'last-write-wins') {
            expect(
              concurrent.filter((e) => e.t > intentAt),
              `${what}: overwrote a later edit`,
            ).toEqual([]);
          }
          expect(
            lost.some((e) => e.field === field && e.after === agentValue),
            `${what}: the person's overwritten value is logged as lost`,
          ).toBe(true);
        }
        continue;
      }
      // The agent's value is not on the board.
      if (wasWritten) {
        const later = mine.filter((e) => e.t > intentAt);
        expect(later.length, `${what}: written, then a person changed it again`).toBeGreaterThan(0);
        continue;
      }
      expect(
        concurrent.length,
        `${what}: the agent's value was dropped without a person's concurrent edit`,
      ).toBeGreaterThan(0);
      const asked = conflicts.some((x) => x.field === field && x.agent === agentValue);
      const logged = lost.some((e) => e.field === field && e.before === agentValue);
      expect(asked || logged, `${what}: the agent's value lost silently`).toBe(true);
      if (asked) expect(rule.policy).toBe('ask');
      expect(final[field], `${what}: the person's value stands`).toBe(latestHuman);
    }

    // Fields the agent did not write hold the person's latest value.
    for (const field of ['title', 'description', 'status'] as const) {
      if (field in agentValues) continue;
      expect(final[field]).toBe(edits.filter((e) => e.field === field).at(-1)?.value ?? read[field]);
    }

    // Labels: a removed label never comes back; a person's added label stays; the agent's is there or accounted for.
    for (const label of removedByPerson) expect(final.labels, `removed label ${label} came back`).not.toContain(label);
    const labelsAccounted =
      conflicts.some((x) => x.field === 'labels') ||
      lost.some((e) => e.field === 'labels') ||
      refused.some((e) => e.field === 'labels');
    for (const label of addedByPerson) {
      // The agent may remove a label it saw; one a person added after it read the task stays.
      if (label === dropped && read.labels.includes(label)) continue;
      expect(final.labels, `the person's label ${label} is gone`).toContain(label);
    }
    if (!labelsAccounted) {
      if (!removedByPerson.has(agentLabel))
        expect(final.labels, "the agent's label change was dropped silently").toContain(agentLabel);
      if (dropped) expect(final.labels, `the agent's removed label ${dropped} came back`).not.toContain(dropped);
    }
  } finally {
    await s.close();
  }
}

const SUBJECTS: Record<string, () => Promise<Subject>> = {
  'local board': localSubject,
  'Kanboard fake (HTTP)': kanboardSubject,
};

describe('agent writes with think time, people editing meanwhile (fast-check)', () => {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(START_MS);
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  for (const [name, make] of Object.entries(SUBJECTS)) {
    it(
      `${name}: no concurrent edit is overwritten silently, no removed label returns, no effect twice`,
      async () => {
        await fc.assert(
          fc.asyncProperty(caseArb, (c) => runCase(make, c)),
          { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
        );
      },
      120_000 + RUNS * 1_500,
    );
  }
});
