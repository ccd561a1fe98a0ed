import type { AgentStatus, AgentSummary, PauseState } from '../../../shared/model';
import type { AgentConfig } from '../config';
import type { PauseRepo } from '../store/pause-repo';
import { budgetUse, type BudgetRepo } from './budget';
import { describeProvider } from './providers';
import type { RunRepo } from './run-repo';

/** The pause that applies to an agent: all agents first, then its own. */
export function effectivePause(pauses: PauseRepo, agentId: string): PauseState {
  const global = pauses.get('global');
  return global.paused ? global : pauses.get('agent', agentId);
}

/** What the UI and the tray show for one agent. */
export function agentSummary(
  agent: AgentConfig,
  deps: { pauses: PauseRepo; runs: RunRepo; budget: BudgetRepo; providerLabel?: string },
): AgentSummary {
  const pause = effectivePause(deps.pauses, agent.id);
  const counts = deps.runs.countByState(agent.id);
  const current = [...deps.runs.inState(agent.id, 'running'), ...deps.runs.inState(agent.id, 'claimed')][0];
  const waiting = counts['waiting-for-human'] ?? 0;
  const status: AgentStatus = pause.paused ? 'paused' : current ? 'running' : waiting > 0 ? 'waiting' : 'idle';
  const last = deps.runs.lastFinished(agent.id);
  return {
    id: agent.id,
    board: agent.board,
    workflow: agent.workflow,
    status,
    pause,
    role: agent.role ?? agent.workflow,
    provider: deps.providerLabel ?? describeProvider(agent.provider),
    ...(current ? { currentTask: { runId: current.id, taskId: current.taskId, state: current.state } } : {}),
    queued: (counts.queued ?? 0) + (counts.paused ?? 0),
    waitingForHuman: waiting,
    budget: budgetUse(agent, deps.budget),
    ...(last?.state === 'failed' && last.error ? { lastError: last.error } : {}),
  };
}
