import type { ReactElement } from 'react';
import { EmptyState } from '../components/EmptyState';
import { LoadGate } from '../components/LoadGate';
import { Page } from '../components/Page';
import { Panel } from '../components/Panel';
import { useLiveState } from '../state/hooks';

/** Who may write which task field: people, agents, or both. */
export function OwnershipView(): ReactElement {
  const { state, error, retry } = useLiveState();
  return (
    <Page title="Ownership" description="Who may change each task field: you, your agents, or both.">
      <LoadGate value={state} error={error} onRetry={retry}>
        {(s) => (
          <Panel title="Field ownership">
            <EmptyState title="Set in your config for now">
              <p>
                Ownership comes from the <code>ownership:</code> section of your config (
                <span className="mono">{s.configSource}</span>); fields it leaves out keep the defaults. Viewing and
                editing the rules here arrives with the ownership editor.
              </p>
              <p>
                Applies to {s.boards.length === 1 ? 'the board' : 'the boards'}{' '}
                {s.boards.map((b, i) => (
                  <span key={b.id}>
                    {i > 0 ? ', ' : ''}
                    <span className="mono">{b.name}</span>
                  </span>
                ))}
                .
              </p>
            </EmptyState>
          </Panel>
        )}
      </LoadGate>
    </Page>
  );
}
