import type { ReactElement } from 'react';
import type { AgentSummary, PauseState } from '../../../shared/model';
import { describeActor, formatTime } from '../format';
import { agentsStateText } from '../lib/agents-state-text';
import { Icon } from './Icon';

export interface PauseControlProps {
  /** Unknown until the first state arrives; the control keeps its size meanwhile. */
  pause: PauseState | null;
  /** Each agent's own state: one paused on its own is not running either. */
  agents: readonly Pick<AgentSummary, 'status'>[];
  /** The state could not be loaded, so the pause state is unknown rather than on its way. */
  unavailable: boolean;
  pending: boolean;
  onPause(): void;
  onResume(): void;
}

/** The global brake: one glance says whether agents may act, one click changes it. */
export function PauseControl({
  pause,
  agents,
  unavailable,
  pending,
  onPause,
  onResume,
}: PauseControlProps): ReactElement {
  const known = pause !== null;
  const paused = pause?.paused ?? false;
  const detail = paused
    ? `Paused by ${describeActor(pause?.by)} at ${formatTime(pause?.at)}${pause?.reason ? `: ${pause.reason}` : ''}`
    : undefined;
  return (
    <div className="pause-control">
      <span
        className={`pause-state ${known ? (paused || !agents.some((a) => a.status !== 'paused') ? 'is-paused' : 'is-running') : 'is-unknown'}`}
        data-testid="pause-state"
        title={detail}
      >
        <span className="dot" aria-hidden="true" />
        {pause ? agentsStateText(pause, agents) : unavailable ? 'State unavailable' : 'Loading…'}
      </span>
      <button
        type="button"
        className={`button ${paused ? 'button-primary' : 'button-secondary'}`}
        onClick={paused ? onResume : onPause}
        disabled={!known || pending}
        aria-busy={pending}
      >
        <Icon name={paused ? 'play' : 'pause'} />
        {paused ? 'Resume all' : 'Pause all'}
      </button>
    </div>
  );
}
