import type { ReactElement } from 'react';
import type { ConnectionStatus } from '../api/transport';

const LABELS: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Offline',
};

/** Whether the UI is hearing from the core right now. */
export function ConnectionBadge({ status }: { status: ConnectionStatus }): ReactElement {
  return (
    <span className={`connection connection-${status}`} role="status" data-testid="connection-status">
      <span className="dot" aria-hidden="true" />
      <span className="visually-hidden">Connection: </span>
      {LABELS[status]}
    </span>
  );
}
