import type { AgentConfig, AgentDefaultsConfig } from '../config';
import type { ResumeOn, RuntimeSettings } from './run-context';

const RESUME_ON: Record<NonNullable<AgentDefaultsConfig['resume_on']>, ResumeOn> = {
  answer: 'answer',
  answer_and_move: 'answer-and-move',
};

/** The runtime settings a config block sets (`agent_defaults`, or the keys on one agent). */
function fromConfig(block: AgentDefaultsConfig | undefined): Partial<RuntimeSettings> {
  if (!block) return {};
  return {
    ...(block.resume_on ? { resumeOn: RESUME_ON[block.resume_on] } : {}),
    ...(block.question_timeout !== undefined ? { unansweredAfterMs: block.question_timeout } : {}),
    ...(block.claim_stale_after !== undefined ? { staleClaimMs: block.claim_stale_after } : {}),
  };
}

/**
 * One agent's runtime settings: the runtime's own (built-in defaults, or what
 * the embedding code passed), then the config's `agent_defaults`, then the
 * agent's own keys; the most specific wins.
 */
export function agentSettings(
  base: RuntimeSettings,
  defaults: AgentDefaultsConfig | undefined,
  agent: AgentConfig,
): RuntimeSettings {
  return { ...base, ...fromConfig(defaults), ...fromConfig(agent) };
}
