import type { BoardTask } from '../../../shared/contract';
import type { AgentSummary } from '../../../shared/model';

/**
 * Whether an agent is working on a card. When the agent runtime reports on the
 * board's agents, its `currentTask` is the answer; without that report, a
 * card counts as worked on when it sits in a working column and carries an
 * agent's label or notes.
 */
export function agentWorkingOn(task: BoardTask, boardId: string, agents: readonly AgentSummary[]): boolean {
  // The runtime always reports `queued` (a count); it leaves `currentTask` out while an agent is idle.
  const reporting = agents.filter((a) => a.board === boardId && a.queued !== undefined);
  if (reporting.length > 0) return reporting.some((a) => a.currentTask?.taskId === task.id);
  return agentWorkingGuess(task);
}

/** The guess used until the agent runtime reports: a working column plus an agent's label or notes. */
export function agentWorkingGuess(task: BoardTask): boolean {
  const working = /progress|working|doing/i.test(task.status);
  const agentish = task.labels.some((l) => /^(needs-ai|needs-research|ai-solo|agent)/.test(l));
  return working && (agentish || task.agentNotes.trim() !== '');
}
