/**
 * Named points where the crash tests kill Deckhand mid-run (SIGKILL, no
 * cleanup), like the engine's crash points. Inert unless
 * DECKHAND_AGENT_CRASH_AT names the point, which only tests set.
 * - after-output: the provider's output is persisted, nothing submitted yet;
 * - mid-apply: some of the run's writes reached the board, the run is not yet done.
 */
export type AgentCrashPoint = 'after-output' | 'mid-apply';

export function agentCrashPoint(point: AgentCrashPoint): void {
  if (process.env.DECKHAND_AGENT_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}
