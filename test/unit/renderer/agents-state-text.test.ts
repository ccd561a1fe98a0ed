import { describe, expect, it } from 'vitest';
import type { PauseState } from '../../../src/shared/model';
import { agentsStateText } from '../../../src/renderer/src/lib/agents-state-text';

const running: PauseState = { paused: false };
const braked: PauseState = { paused: true, by: 'human:http', at: '2026-01-01T00:00:00.000Z' };

describe('agentsStateText (the header line about the agents)', () => {
  it('never says "Agents running" while the only agent is paused on its own', () => {
    expect(agentsStateText(running, [{ status: 'paused' }])).toBe('The only agent is paused');
  });

  it('counts the agents that may act when some are paused', () => {
    expect(agentsStateText(running, [{ status: 'paused' }, { status: 'idle' }, { status: 'running' }])).toBe(
      '2 of 3 agents running',
    );
    expect(agentsStateText(running, [{ status: 'paused' }, { status: 'paused' }])).toBe('Every agent is paused');
  });

  it('says running when none is paused, paused under the global brake, and nothing to run without agents', () => {
    expect(agentsStateText(running, [{ status: 'idle' }, { status: 'waiting' }])).toBe('Agents running');
    expect(agentsStateText(braked, [{ status: 'idle' }])).toBe('All agents paused');
    expect(agentsStateText(running, [])).toBe('No agents');
  });
});
