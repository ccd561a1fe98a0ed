import type { ReactElement } from 'react';
import { EmptyState } from '../components/EmptyState';
import { LoadGate } from '../components/LoadGate';
import { Page } from '../components/Page';
import { Panel } from '../components/Panel';
import { StatGrid, StatTile } from '../components/StatTile';
import { describeActor, formatTime } from '../format';
import { useLiveState } from '../state/hooks';

/** The overview: what Deckhand is doing right now, at a glance. */
export function ActivityView(): ReactElement {
  const { state, error, retry } = useLiveState();
  return (
    <Page title="Activity" description="What Deckhand is doing right now.">
      <LoadGate value={state} error={error} onRetry={retry} lines={6}>
        {(s) => (
          <>
            <StatGrid>
              <StatTile label="Boards" value={s.boards.length} />
              <StatTile label="Agents" value={s.agents.length} />
              <StatTile label="Outbox" value={s.counts.outbox} hint="writes waiting to reach a board" />
              <StatTile
                label="Conflicts"
                value={s.counts.conflicts}
                tone={s.counts.conflicts > 0 ? 'warn' : 'neutral'}
              />
              <StatTile label="Errors" value={s.counts.errors} tone={s.counts.errors > 0 ? 'bad' : 'neutral'} />
              <StatTile
                label="Blocked on you"
                value={s.counts.blockedOnHuman}
                tone={s.counts.blockedOnHuman > 0 ? 'warn' : 'neutral'}
              />
            </StatGrid>
            <Panel title="Agents">
              {s.pause.paused ? (
                <p className="text-warn" data-testid="pause-detail">
                  All agents were paused by {describeActor(s.pause.by)} at {formatTime(s.pause.at)}
                  {s.pause.reason ? ` (reason: “${s.pause.reason}”)` : ''}. Nothing writes to your boards until you
                  resume.
                </p>
              ) : (
                <p data-testid="pause-detail">Agents may act. Use Pause all to stop every agent at once.</p>
              )}
            </Panel>
            <Panel title="Sync log">
              <EmptyState title="No activity to show yet">
                The sync log arrives with the sync engine: every change Deckhand makes or receives will be listed here,
                with who made it and why.
              </EmptyState>
            </Panel>
          </>
        )}
      </LoadGate>
    </Page>
  );
}
