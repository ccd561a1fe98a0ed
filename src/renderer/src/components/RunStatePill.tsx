import type { ReactElement } from 'react';
import type { AgentRunState } from '../../../shared/model';
import type { Tone } from './StatTile';

const TONES: Record<AgentRunState, Tone> = {
  queued: 'neutral',
  claimed: 'good',
  running: 'good',
  'waiting-for-human': 'warn',
  paused: 'warn',
  done: 'good',
  failed: 'bad',
};

const WORDS: Record<AgentRunState, string> = {
  queued: 'queued',
  claimed: 'claimed',
  running: 'running',
  'waiting-for-human': 'waiting for you',
  paused: 'paused',
  done: 'done',
  failed: 'failed',
};

/** A run's state as a word with a coloured dot; the word carries the meaning. */
export function RunStatePill({ state }: { state: AgentRunState }): ReactElement {
  return (
    <span className={`pill tone-${TONES[state]}`} data-testid="run-state">
      <span className="dot" aria-hidden="true" />
      {WORDS[state]}
    </span>
  );
}
