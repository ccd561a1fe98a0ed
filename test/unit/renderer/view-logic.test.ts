import { describe, expect, it } from 'vitest';
import type { BoardTask } from '../../../src/shared/contract';
import type { AgentSummary, SyncLogEntry } from '../../../src/shared/model';
import { agentWorkingOn } from '../../../src/renderer/src/lib/agent-working';
import { fieldProblem, fromDraft, toDraft } from '../../../src/renderer/src/lib/field-edit';
import { cleanFilter, entryChange, matchesFilter } from '../../../src/renderer/src/lib/log-entries';
import { findMovedIndex, rowWindow, scrollToReveal } from '../../../src/renderer/src/lib/virtual-window';
import { placeTask } from '../../../src/renderer/src/state/board-store';
import { settingsToSend } from '../../../src/renderer/src/state/connections-store';

const entry = (over: Partial<SyncLogEntry>): SyncLogEntry => ({
  seq: 1,
  at: '2026-01-01T00:00:00.000Z',
  actor: 'human',
  action: 'field.changed',
  ...over,
});

describe('matchesFilter (live entries against the Activity filter, like the core query)', () => {
  it('matches an actor kind as a prefix and an exact actor exactly', () => {
    const e = entry({ actor: 'agent:researcher' });
    expect(matchesFilter(e, { actor: 'agent' })).toBe(true);
    expect(matchesFilter(e, { actor: 'agent:researcher' })).toBe(true);
    expect(matchesFilter(e, { actor: 'agent:writer' })).toBe(false);
    expect(matchesFilter(e, { actor: 'agen' })).toBe(false);
  });

  it('matches an action prefix ending in a dot, otherwise the exact action', () => {
    const e = entry({ action: 'conflict.opened' });
    expect(matchesFilter(e, { action: 'conflict.' })).toBe(true);
    expect(matchesFilter(e, { action: 'conflict' })).toBe(false);
    expect(matchesFilter(e, { action: 'conflict.opened' })).toBe(true);
  });

  it('searches field, values, reason and task case-insensitively', () => {
    const e = entry({ taskId: '42', field: 'status', before: 'To do', after: 'Done', reason: 'Moved by Sam' });
    for (const text of ['sam', 'DONE', 'status', '42', 'to do']) expect(matchesFilter(e, { text })).toBe(true);
    expect(matchesFilter(e, { text: 'backlog' })).toBe(false);
    expect(matchesFilter(e, { boardId: 'local' })).toBe(false);
  });

  it('cleans empty filter values away', () => {
    expect(cleanFilter({ boardId: '', text: '  x ', actor: undefined })).toEqual({ text: 'x' });
  });

  it('describes a change in one line', () => {
    expect(entryChange(entry({ field: 'status', before: 'To do', after: 'Done' }))).toBe('“To do” → “Done”');
    expect(entryChange(entry({ reason: 'why' }))).toBe('why');
  });
});

describe('virtual window', () => {
  it('renders the visible rows plus overscan, clamped to the list', () => {
    expect(rowWindow({ count: 100_000, rowHeight: 50, scrollTop: 5000, viewportHeight: 500, overscan: 5 })).toEqual({
      start: 95,
      end: 116,
      firstVisible: 100,
      pageSize: 10,
    });
    expect(rowWindow({ count: 3, rowHeight: 50, scrollTop: 0, viewportHeight: 500, overscan: 5 })).toMatchObject({
      start: 0,
      end: 3,
    });
    expect(rowWindow({ count: 0, rowHeight: 50, scrollTop: 0, viewportHeight: 500, overscan: 5 })).toMatchObject({
      start: 0,
      end: 0,
    });
  });

  it('scrolls only as far as needed to reveal a row', () => {
    expect(scrollToReveal(10, 50, 0, 200)).toBe(350);
    expect(scrollToReveal(2, 50, 0, 200)).toBeNull();
    expect(scrollToReveal(1, 50, 200, 200)).toBe(50);
  });

  it('finds a row after rows were prepended', () => {
    const keys = [9, 8, 7, 6, 5, 4];
    expect(findMovedIndex(keys, 6, 1, 2)).toBe(3);
    expect(findMovedIndex(keys, 6, 3, 0)).toBe(3);
    expect(findMovedIndex(keys, 42, 3, 0)).toBe(-1);
  });
});

describe('conflict editor values', () => {
  it('round-trips labels, nullable text and priority', () => {
    expect(toDraft('labels', ['b', 'a'])).toBe('b, a');
    expect(fromDraft('labels', ' b, a ,, a')).toEqual(['a', 'b']);
    expect(fromDraft('assignee', '  ')).toBeNull();
    expect(fromDraft('priority', '3')).toBe(3);
  });

  it('checks values with the contract schema', () => {
    expect(fieldProblem('title', '   ')).toMatch(/blank/);
    expect(fieldProblem('dueDate', '2026-13')).toMatch(/YYYY-MM-DD/);
    expect(fieldProblem('status', 'Done')).toBeNull();
  });
});

const task = (id: string, status: string, over: Partial<BoardTask> = {}): BoardTask => ({
  id,
  title: `Task ${id}`,
  description: '',
  status,
  assignee: null,
  priority: 0,
  labels: [],
  agentNotes: '',
  parentId: null,
  dueDate: null,
  updatedAt: '',
  version: '1',
  createdAt: '',
  ...over,
});

describe('placeTask (optimistic moves)', () => {
  const columns = ['A', 'B', 'C'];
  const tasks = [task('1', 'A'), task('2', 'A'), task('3', 'C')];
  it('puts a card at the end of an empty column, in column order', () => {
    expect(placeTask(tasks, columns, tasks[0]!, 'B').map((t) => `${t.id}${t.status}`)).toEqual(['2A', '1B', '3C']);
  });
  it('puts a card before another', () => {
    expect(placeTask(tasks, columns, tasks[1]!, 'A', '1').map((t) => t.id)).toEqual(['2', '1', '3']);
  });
});

describe('agentWorkingOn', () => {
  const agent = (over: Partial<AgentSummary>): AgentSummary => ({
    id: 'demo',
    board: 'local',
    workflow: 'pick-up',
    status: 'idle',
    pause: { paused: false },
    ...over,
  });
  const wip = task('7', 'Work in progress', { labels: ['needs-ai'] });
  it('guesses from the card without a runtime report', () => {
    expect(agentWorkingOn(wip, 'local', [agent({})])).toBe(true);
    expect(agentWorkingOn(task('8', 'To do', { labels: ['needs-ai'] }), 'local', [])).toBe(false);
  });
  it('believes the runtime when it reports', () => {
    expect(agentWorkingOn(wip, 'local', [agent({ queued: 0 })])).toBe(false);
    expect(
      agentWorkingOn(wip, 'local', [agent({ queued: 0, currentTask: { runId: 1, taskId: '7', state: 'running' } })]),
    ).toBe(true);
  });
});

describe('settingsToSend', () => {
  it('drops empty values (an empty secret keeps the stored one) and sends numeric project ids as numbers', () => {
    const type = {
      type: 'kanboard',
      label: 'Kanboard',
      available: true,
      fields: [
        { key: 'url', label: 'URL', kind: 'url' as const, required: true },
        { key: 'project', label: 'Project', kind: 'number-or-text' as const, required: true },
        { key: 'token', label: 'Token', kind: 'secret' as const, required: true },
        { key: 'columns.working', label: 'Working', kind: 'text' as const, required: false },
      ],
    };
    expect(
      settingsToSend(type, { url: ' https://k/jsonrpc.php ', project: '12', token: '', 'columns.working': '' }),
    ).toEqual({
      url: 'https://k/jsonrpc.php',
      project: 12,
    });
  });
});
