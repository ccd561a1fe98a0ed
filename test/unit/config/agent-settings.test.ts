import { describe, expect, it } from 'vitest';
import { agentSettings } from '../../../src/main/core/agents/agent-settings';
import { DEFAULT_RUNTIME_SETTINGS } from '../../../src/main/core/agents/run-context';
import { validateConfig, type AgentConfig } from '../../../src/main/core/config';

function parsed(defaults: Record<string, unknown> | undefined, own: Record<string, unknown>) {
  const result = validateConfig({
    schema_version: 1,
    boards: [{ id: 'home', type: 'local' }],
    ...(defaults ? { agent_defaults: defaults } : {}),
    agents: [
      { id: 'a', board: 'home', workflow: 'pickup', routes: { labels: ['x'] }, provider: { type: 'demo' }, ...own },
    ],
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return { defaults: result.config.agent_defaults, agent: result.config.agents[0]! as AgentConfig };
}

describe('agent settings from the config', () => {
  it('keeps the runtime defaults when the config sets nothing', () => {
    const { defaults, agent } = parsed(undefined, {});
    expect(agentSettings(DEFAULT_RUNTIME_SETTINGS, defaults, agent)).toEqual(DEFAULT_RUNTIME_SETTINGS);
  });

  it('applies agent_defaults over the runtime, and the agent over agent_defaults', () => {
    const { defaults, agent } = parsed(
      { resume_on: 'answer', question_timeout: '4h', claim_stale_after: '30m' },
      { question_timeout: '10m' },
    );
    const base = { ...DEFAULT_RUNTIME_SETTINGS, staleClaimMs: 1 };
    expect(agentSettings(base, defaults, agent)).toEqual({
      ...base,
      resumeOn: 'answer',
      unansweredAfterMs: 600_000,
      staleClaimMs: 1_800_000,
    });
    const own = parsed(undefined, { resume_on: 'answer_and_move', claim_stale_after: '5m' });
    expect(agentSettings({ ...base, resumeOn: 'answer' }, own.defaults, own.agent)).toMatchObject({
      resumeOn: 'answer-and-move',
      staleClaimMs: 300_000,
      unansweredAfterMs: DEFAULT_RUNTIME_SETTINGS.unansweredAfterMs,
    });
  });
});
