import type { InboxItem, PauseState } from '../../shared/model';
import type { AgentRuntime } from './agents/runtime';
import type { BoardSet } from './board-set';
import { BRAKE_ACTOR } from './engine/board-runner';
import type { SyncEngine } from './engine/sync-engine';
import { taskRef } from './task-refs';

export interface InboxSources {
  agents: AgentRuntime;
  engine: SyncEngine;
  boards: BoardSet;
  boardPause(boardId: string): PauseState;
}

/**
 * Everything waiting on the person, in the order it blocks work: agents'
 * questions (an agent stands still), open conflicts (a field is undecided),
 * failed runs nobody retried, and boards the mass-deletion brake stopped.
 */
export function buildInbox(s: InboxSources): InboxItem[] {
  const items: InboxItem[] = [];
  for (const run of s.agents.waitingRuns()) {
    const task = taskRef(s.engine, run.boardId, run.taskId!);
    const status = s.engine.base.get(run.boardId, run.taskId!)?.fields.status ?? null;
    items.push({
      kind: 'question',
      key: `question:${run.id}`,
      at: run.askedAt ?? run.updatedAt,
      runId: run.id,
      agentId: run.agentId,
      task,
      question: run.question ?? '',
      ...s.agents.answerPlan(run, status),
    });
  }
  for (const c of s.engine.conflicts.list('open')) {
    items.push({
      kind: 'conflict',
      key: `conflict:${c.id}`,
      at: c.openedAt,
      conflictId: c.id,
      task: taskRef(s.engine, c.boardId, c.taskId),
      field: c.field,
      actor: c.actor,
    });
  }
  for (const run of s.agents.unresolvedFailures()) {
    items.push({
      kind: 'failed-run',
      key: `failed:${run.id}`,
      at: run.finishedAt ?? run.updatedAt,
      runId: run.id,
      agentId: run.agentId,
      task: run.taskId ? taskRef(s.engine, run.boardId, run.taskId) : null,
      error: run.error ?? run.outcome ?? 'failed',
    });
  }
  for (const { config } of s.boards.list()) {
    const pause = s.boardPause(config.id);
    if (!pause.paused || pause.by !== BRAKE_ACTOR) continue;
    items.push({
      kind: 'braked-board',
      key: `brake:${config.id}`,
      at: pause.at ?? new Date(0).toISOString(),
      boardId: config.id,
      boardName: config.name ?? config.id,
      reason: pause.reason ?? 'many tasks vanished at once',
    });
  }
  return items;
}
