import type { ReactElement } from 'react';
import type { Tone } from './StatTile';

const TONES: Record<string, Tone> = {
  idle: 'neutral',
  running: 'good',
  syncing: 'good',
  waiting: 'warn',
  paused: 'warn',
  error: 'bad',
};

/** A status word with a coloured dot (agent and board statuses). */
export function StatusPill({ status }: { status: string }): ReactElement {
  return (
    <span className={`pill tone-${TONES[status] ?? 'neutral'}`}>
      <span className="dot" aria-hidden="true" />
      {status}
    </span>
  );
}
