import type { ReactElement } from 'react';
import type { ConnectionStatus } from '../api/transport';
import { formatTime } from '../format';

export interface StatusBarProps {
  version: string | null;
  configSource: string | null;
  startedAt: string | null;
  connection: ConnectionStatus;
}

/** Facts about the running core. Fixed height, with placeholders, so nothing moves when they arrive. */
export function StatusBar({ version, configSource, startedAt, connection }: StatusBarProps): ReactElement {
  return (
    <footer className="frame-status">
      <span data-testid="version">{version ? `Deckhand v${version}` : 'Deckhand'}</span>
      <span className="status-sep" aria-hidden="true" />
      <span className="status-config" title={configSource ?? undefined}>
        Config: <span data-testid="config-source">{configSource ?? '…'}</span>
      </span>
      {startedAt ? (
        <>
          <span className="status-sep" aria-hidden="true" />
          <span>Core started {formatTime(startedAt)}</span>
        </>
      ) : null}
      <span className="status-spacer" />
      {connection === 'offline' ? <span className="status-warn">Lost the connection; reconnecting…</span> : null}
    </footer>
  );
}
