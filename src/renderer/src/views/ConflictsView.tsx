import type { ReactElement } from 'react';
import { EmptyState } from '../components/EmptyState';
import { LoadGate } from '../components/LoadGate';
import { Page } from '../components/Page';
import { Panel } from '../components/Panel';
import { StatGrid, StatTile } from '../components/StatTile';
import { plural } from '../format';
import { useLiveState } from '../state/hooks';

/** Changes from people and agents that Deckhand could not merge on its own. */
export function ConflictsView(): ReactElement {
  const { state, error, retry } = useLiveState();
  return (
    <Page title="Conflicts" description="Edits from people and agents that Deckhand could not merge on its own.">
      <LoadGate value={state} error={error} onRetry={retry}>
        {(s) => (
          <>
            <StatGrid>
              <StatTile
                label="Open conflicts"
                value={s.counts.conflicts}
                tone={s.counts.conflicts > 0 ? 'warn' : 'good'}
              />
              <StatTile
                label="Blocked on you"
                value={s.counts.blockedOnHuman}
                tone={s.counts.blockedOnHuman > 0 ? 'warn' : 'neutral'}
              />
            </StatGrid>
            <Panel title="Open conflicts">
              {s.counts.conflicts === 0 ? (
                <EmptyState title="No open conflicts">
                  When a person and an agent change the same field and the ownership rules cannot settle it, the
                  conflict waits here for you.
                </EmptyState>
              ) : (
                <EmptyState title={`${plural(s.counts.conflicts, 'conflict')} waiting`}>
                  Reviewing and resolving conflicts here arrives with the conflict resolver.
                </EmptyState>
              )}
            </Panel>
          </>
        )}
      </LoadGate>
    </Page>
  );
}
