import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentRun, AgentSummary, AppState, Conflict } from '../../../src/shared/model';
import { EventBus } from '../../../src/main/core/events';
import {
  boardErrorNotes,
  createNotifier,
  webhookRefusedNotes,
  noteForAgentNotification,
  noteForConflict,
  noteForQuestion,
  summarize,
  type DesktopNote,
} from '../../../src/main/shell/notifications';

const AT = '2026-11-24T09:00:00.000Z';
const state: AppState = {
  revision: 1,
  version: '0.1.0',
  startedAt: AT,
  pause: { paused: false },
  boards: [
    { id: 'local', type: 'local', name: 'Local board', status: 'idle', lastPollAt: AT },
    { id: 'work', type: 'kanboard', name: 'Work', status: 'idle', lastPollAt: AT },
  ],
  agents: [],
  counts: { outbox: 0, conflicts: 0, errors: 0, blockedOnHuman: 0, inbox: 0 },
  configSource: 'embedded default',
  webhooks: { url: 'http://127.0.0.1:7718' },
};
const broken = (error: string): AppState => ({
  ...state,
  boards: [state.boards[0]!, { ...state.boards[1]!, status: 'error', error }],
});

const conflict = (id: number): Conflict => ({
  id,
  boardId: 'local',
  taskId: String(40 + id),
  field: 'title',
  base: 'a',
  human: 'b',
  agent: 'c',
  actor: 'agent:researcher',
  operationId: `op-${id}`,
  state: 'open',
  openedAt: AT,
  resolvedAt: null,
  resolvedBy: null,
  resolution: null,
});
const agent: AgentSummary = {
  id: 'researcher',
  board: 'local',
  workflow: 'pickup',
  status: 'waiting',
  pause: { paused: false },
};
const run = (patch: Partial<AgentRun>): AgentRun =>
  ({
    id: 7,
    agentId: 'researcher',
    boardId: 'local',
    taskId: '12',
    workflow: 'pickup',
    trigger: 'created',
    state: 'waiting-for-human',
    outcome: null,
    attempt: 0,
    round: 0,
    question: 'Which database do we run?',
    askedAt: AT,
    answer: null,
    resultTaskId: null,
    tokensIn: 0,
    tokensOut: 0,
    cost: null,
    durationMs: 0,
    error: null,
    createdAt: AT,
    startedAt: AT,
    finishedAt: null,
    updatedAt: AT,
    ...patch,
  }) as AgentRun;

describe('notification rules', () => {
  it('a conflict names the field, the task and the other side, and opens the resolver', () => {
    expect(noteForConflict(conflict(2))).toEqual({
      key: 'conflict:2',
      group: 'conflict',
      title: 'Conflict needs you',
      body: 'title of task 42 on local: you and agent:researcher both changed it.',
      view: 'conflicts',
    });
  });

  it('a question notifies only while the run waits for a person, once per round', () => {
    expect(noteForQuestion(agent, run({}))).toMatchObject({
      key: 'question:7:0',
      title: 'researcher has a question',
      body: 'Which database do we run? (task 12 on local)',
      view: 'agents',
    });
    expect(noteForQuestion(agent, run({ round: 1 }))?.key).toBe('question:7:1');
    expect(noteForQuestion(agent, run({ state: 'running' }))).toBeUndefined();
    expect(noteForQuestion(agent, run({ question: null }))).toBeUndefined();
    expect(noteForQuestion(agent, undefined)).toBeUndefined();
  });

  it('long text is flattened and clipped', () => {
    const note = noteForQuestion(agent, run({ question: `line one\n\n${'x'.repeat(400)}` }))!;
    expect(note.body.length).toBe(180);
    expect(note.body.startsWith('line one x')).toBe(true);
    expect(note.body.endsWith('…')).toBe(true);
  });

  it('a board notifies when it goes into error, not while it stays there', () => {
    const notes = boardErrorNotes(state, broken('Kanboard answered 401: check the API token'));
    expect(notes).toEqual([
      {
        key: 'board:work:Kanboard answered 401: check the API token',
        group: 'board',
        title: 'Work is not syncing',
        body: 'Kanboard answered 401: check the API token',
        view: 'boards',
      },
    ]);
    expect(boardErrorNotes(broken('x'), broken('x'))).toEqual([]);
    expect(boardErrorNotes(undefined, broken('x'))).toHaveLength(1);
  });

  it('a board whose webhook starts refusing deliveries notifies once per reason', () => {
    const hooked = (webhook: AppState['boards'][number]['webhook']): AppState => ({
      ...state,
      boards: [state.boards[0]!, { ...state.boards[1]!, webhook }],
    });
    const receiving = hooked({ configured: true, lastAcceptedAt: '2026-11-24T09:00:00.000Z' });
    const wrongToken = hooked({
      configured: true,
      lastAcceptedAt: '2026-11-24T09:00:00.000Z',
      lastRejectedAt: '2026-11-24T09:05:00.000Z',
      lastRejection: 'wrong webhook token',
    });
    expect(webhookRefusedNotes(receiving, wrongToken)).toEqual([
      {
        key: 'webhook:work:wrong webhook token',
        group: 'webhook',
        title: 'Work webhook deliveries are refused',
        body: 'wrong webhook token. Changes still arrive by polling, only slower.',
        view: 'boards',
      },
    ]);
    // The next refusal for the same reason, or a board that receives again, says nothing.
    const again = hooked({ ...wrongToken.boards[1]!.webhook!, lastRejectedAt: '2026-11-24T09:06:00.000Z' });
    expect(webhookRefusedNotes(wrongToken, again)).toEqual([]);
    expect(webhookRefusedNotes(wrongToken, receiving)).toEqual([]);
    // A new reason is news.
    const noToken = hooked({ ...wrongToken.boards[1]!.webhook!, lastRejection: 'missing ?token= in the webhook URL' });
    expect(webhookRefusedNotes(wrongToken, noToken)).toHaveLength(1);
  });

  it('agent notifications open the Agents view; an overdue question is keyed by its run only', () => {
    const overdue = noteForAgentNotification({
      kind: 'question-unanswered',
      agentId: 'researcher',
      runId: 7,
      message: 'still waiting',
      at: AT,
    });
    expect(overdue).toMatchObject({ title: 'A question is still unanswered', view: 'agents' });
    expect(overdue.key).toBe('agent:question-unanswered:researcher:7:');
    const budget = noteForAgentNotification({ kind: 'budget-reached', agentId: 'a', message: 'm', at: AT });
    expect(budget.key).toBe(`agent:budget-reached:a::${AT}`);
  });

  it('summarize merges a burst of one group into one note', () => {
    const merged = summarize([
      noteForConflict(conflict(1)),
      noteForConflict(conflict(2)),
      noteForConflict(conflict(3)),
    ]);
    expect(merged).toMatchObject({ group: 'conflict', title: '3 conflicts need you', view: 'conflicts' });
    expect(merged.body).toContain('task 41');
    expect(merged.body).toContain('task 43');
    expect(() => summarize([])).toThrow();
  });
});

describe('notifier', () => {
  let bus: EventBus;
  let shown: DesktopNote[];
  let enabled: boolean;
  beforeEach(() => {
    vi.useFakeTimers();
    bus = new EventBus();
    shown = [];
    enabled = true;
  });
  afterEach(() => vi.useRealTimers());

  const start = (initial: AppState = state) =>
    createNotifier({
      events: bus,
      getState: () => initial,
      enabled: () => enabled,
      show: (note) => shown.push(note),
      batchMs: 100,
    });

  it('batches a burst per group, and never shows a replayed event twice', () => {
    const notifier = start();
    bus.emit('conflict.opened', conflict(1));
    bus.emit('conflict.opened', conflict(2));
    bus.emit('agent.state', { agent, run: run({}) });
    bus.emit('conflict.opened', conflict(1)); // a replay
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(shown.map((n) => n.title)).toEqual(['2 conflicts need you', 'researcher has a question']);

    bus.emit('conflict.opened', conflict(2));
    bus.emit('agent.state', { agent, run: run({}) });
    vi.advanceTimersByTime(1000);
    expect(shown).toHaveLength(2);
    notifier.dispose();
  });

  it('tracks board state across state.changed events', () => {
    const notifier = start(broken('old'));
    bus.emit('state.changed', broken('old')); // already broken at start: nothing new
    bus.emit('state.changed', state);
    bus.emit('state.changed', broken('Kanboard is unreachable'));
    vi.advanceTimersByTime(100);
    expect(shown.map((n) => n.body)).toEqual(['Kanboard is unreachable']);
    notifier.dispose();
  });

  it('shows nothing while the setting is off, and nothing after dispose', () => {
    const notifier = start();
    enabled = false;
    bus.emit('conflict.opened', conflict(1));
    vi.advanceTimersByTime(100);
    expect(shown).toEqual([]);
    enabled = true;
    notifier.dispose();
    bus.emit('conflict.opened', conflict(2));
    vi.advanceTimersByTime(100);
    expect(shown).toEqual([]);
  });
});
