import { describe, expect, it } from 'vitest';
import type { AgentRun, AgentSummary } from '../../../src/shared/model';
import {
  budgetMeters,
  formatCost,
  formatDuration,
  mergeRun,
  mergeRunPage,
  noticeOver,
  upsertAgent,
} from '../../../src/renderer/src/lib/agent-runs';

const run = (id: number, over: Partial<AgentRun> = {}): AgentRun => ({
  id,
  agentId: 'demo',
  boardId: 'local',
  taskId: String(id + 10),
  workflow: 'pickup',
  trigger: 'created',
  state: 'queued',
  outcome: null,
  attempt: 0,
  round: 0,
  question: null,
  askedAt: null,
  answer: null,
  resultTaskId: null,
  tokensIn: 0,
  tokensOut: 0,
  cost: null,
  durationMs: 0,
  error: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  updatedAt: '2026-01-01T00:00:00.000Z',
  nextAttemptAt: null,
  ...over,
});

const ids = (runs: AgentRun[]): number[] => runs.map((r) => r.id);

describe('mergeRun (live run updates into a newest-first list)', () => {
  it('puts a new run on top and replaces a known one in place', () => {
    const list = [run(3), run(2), run(1)];
    expect(ids(mergeRun(list, run(4)))).toEqual([4, 3, 2, 1]);
    const updated = mergeRun(list, run(2, { state: 'done' }));
    expect(ids(updated)).toEqual([3, 2, 1]);
    expect(updated[1]?.state).toBe('done');
    expect(list[1]?.state).toBe('queued');
  });

  it('fills a gap in id order and starts an empty list', () => {
    expect(ids(mergeRun([run(5), run(2)], run(3)))).toEqual([5, 3, 2]);
    expect(ids(mergeRun([], run(7)))).toEqual([7]);
  });

  it('leaves out a run older than everything shown: it belongs to a page not loaded', () => {
    expect(ids(mergeRun([run(9), run(8)], run(2)))).toEqual([9, 8]);
  });
});

describe('upsertAgent', () => {
  const agent = (id: string, status: AgentSummary['status']): AgentSummary => ({
    id,
    board: 'local',
    workflow: 'pickup',
    status,
    pause: { paused: false },
  });

  it('replaces in place and appends unknown agents', () => {
    const list = [agent('a', 'idle'), agent('b', 'idle')];
    expect(upsertAgent(list, agent('a', 'running')).map((a) => `${a.id}:${a.status}`)).toEqual(['a:running', 'b:idle']);
    expect(upsertAgent(list, agent('c', 'idle')).map((a) => a.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('run and budget formatting', () => {
  it('shows a dash for unknown cost and unmeasured duration, never a made-up zero', () => {
    expect(formatCost(null)).toBe('—');
    expect(formatCost(0)).toBe('$0.00');
    expect(formatCost(0.0042)).toBe('$0.0042');
    expect(formatCost(1.5)).toBe('$1.50');
    expect(formatDuration(0)).toBe('—');
    expect(formatDuration(401)).toBe('401 ms');
    expect(formatDuration(4200)).toBe('4.2 s');
    expect(formatDuration(184_000)).toBe('3 min 04 s');
    expect(formatDuration(7_500_000)).toBe('2 h 05 min');
  });

  it('meters each limit, and says so when there is none', () => {
    const [runs, tokens, cost] = budgetMeters({
      day: '2026-01-01',
      runs: 45,
      tokens: 1200,
      cost: 2,
      uncostedCalls: 0,
      runsPerDay: 50,
      costPerDay: 2,
    });
    expect(runs).toMatchObject({ fraction: 0.9, text: '45 of 50', tone: 'warn' });
    expect(tokens).toMatchObject({ fraction: null, text: '1,200, no limit', tone: 'good' });
    expect(cost).toMatchObject({ fraction: 1, text: '$2.00 of $2.00', tone: 'bad' });
  });

  it('never shows an unreported cost as $0.00', () => {
    const day = { day: '2026-01-01', runs: 2, tokens: 0, cost: 0 };
    expect(budgetMeters({ ...day, uncostedCalls: 2 })[2]!.text).toBe('unknown: 2 calls reported no cost');
    expect(budgetMeters({ ...day, cost: 0.5, uncostedCalls: 1, costPerDay: 1 })[2]!.text).toBe(
      'at least $0.50; 1 call reported no cost (limit $1.00)',
    );
    // Every call said it cost nothing: then it is known to be zero.
    expect(budgetMeters({ ...day, uncostedCalls: 0 })[2]!.text).toBe('$0.00, no limit');
  });
});

describe('noticeOver', () => {
  const notice = (kind: 'run-failed' | 'question-unanswered' | 'budget-reached', runId?: number) => ({
    kind,
    agentId: 'demo',
    ...(runId === undefined ? {} : { runId }),
    message: 'x',
    at: '2026-01-01T00:00:00.000Z',
  });

  it('ends a failure once its run is retried, and a question once it is answered', () => {
    expect(noticeOver(notice('run-failed', 4), run(4, { state: 'queued' }))).toBe(true);
    expect(noticeOver(notice('run-failed', 4), run(4, { state: 'failed' }))).toBe(false);
    expect(noticeOver(notice('run-failed', 4), run(5, { state: 'done' }))).toBe(false);
    expect(noticeOver(notice('question-unanswered', 2), run(2, { state: 'waiting-for-human' }))).toBe(false);
    expect(noticeOver(notice('question-unanswered', 2), run(2, { state: 'running' }))).toBe(true);
    expect(noticeOver(notice('budget-reached'), run(2, { state: 'done' }))).toBe(false);
    expect(noticeOver(undefined, run(2))).toBe(false);
  });
});

describe('snapshots never undo what events already showed', () => {
  const at = (ms: number): string => new Date(Date.UTC(2026, 10, 24, 9, 0, 0, ms)).toISOString();

  it('a retry answer that arrives after the run already moved on is ignored', () => {
    const shown = [run(1, { state: 'running', updatedAt: at(20) })];
    const answer = run(1, { state: 'queued', updatedAt: at(10) });
    expect(mergeRun(shown, answer, 'snapshot')[0]?.state).toBe('running');
    // A tie keeps what is shown: the events for that moment already arrived or are on their way.
    expect(mergeRun(shown, run(1, { state: 'queued', updatedAt: at(20) }), 'snapshot')[0]?.state).toBe('running');
    // An event always wins, and a newer snapshot replaces an older version.
    expect(mergeRun(shown, answer)[0]?.state).toBe('queued');
    expect(mergeRun(shown, run(1, { state: 'done', updatedAt: at(30) }), 'snapshot')[0]?.state).toBe('done');
  });

  it('a fetched page keeps newer versions and runs started since it was taken', () => {
    const shown = [run(4, { updatedAt: at(5) }), run(3, { state: 'running', updatedAt: at(9) }), run(2)];
    const page = [run(3, { state: 'queued', updatedAt: at(1) }), run(2, { state: 'done', updatedAt: at(8) }), run(1)];
    const merged = mergeRunPage(shown, page);
    expect(ids(merged)).toEqual([4, 3, 2, 1]);
    expect(merged.map((r) => r.state)).toEqual(['queued', 'running', 'done', 'queued']);
  });
});
