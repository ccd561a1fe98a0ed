import type { ReactElement } from 'react';
import type { AgentSummary, PauseState } from '../../../shared/model';
import type { ConnectionStatus } from '../api/transport';
import { ConnectionBadge } from './ConnectionBadge';
import { PauseControl } from './PauseControl';

export interface HeaderProps {
  connection: ConnectionStatus;
  pause: PauseState | null;
  agents: readonly AgentSummary[];
  stateUnavailable: boolean;
  pausePending: boolean;
  onPause(): void;
  onResume(): void;
}

export function Header({
  connection,
  pause,
  agents,
  stateUnavailable,
  pausePending,
  onPause,
  onResume,
}: HeaderProps): ReactElement {
  return (
    <header className={`frame-header ${pause?.paused ? 'is-paused' : ''}`}>
      <span className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Deckhand
      </span>
      <div className="header-tools">
        <PauseControl
          pause={pause}
          agents={agents}
          unavailable={stateUnavailable}
          pending={pausePending}
          onPause={onPause}
          onResume={onResume}
        />
        <ConnectionBadge status={connection} />
      </div>
    </header>
  );
}
