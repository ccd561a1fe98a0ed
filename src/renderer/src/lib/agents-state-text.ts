import type { AgentSummary, PauseState } from '../../../shared/model';

/**
 * What the header says about the agents. "Agents running" only when at least one agent may act: an agent
 * paused on its own (or by its budget) is not running even while the global brake is off.
 */
export function agentsStateText(pause: PauseState, agents: readonly Pick<AgentSummary, 'status'>[]): string {
  if (pause.paused) return 'All agents paused';
  if (agents.length === 0) return 'No agents';
  const paused = agents.filter((a) => a.status === 'paused').length;
  if (paused === 0) return 'Agents running';
  if (paused === agents.length) return agents.length === 1 ? 'The only agent is paused' : 'Every agent is paused';
  return `${agents.length - paused} of ${agents.length} agents running`;
}
