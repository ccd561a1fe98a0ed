import { useEffect, useId, type ReactElement } from 'react';
import { fieldLabel, formatTime } from '../format';
import { describeLogActor, shortValue } from '../lib/log-entries';
import { cardKey, useCardHistoryStore } from '../state/card-history-store';
import { activityHash } from '../state/view-store';
import { RunStatePill } from './RunStatePill';

/**
 * From a card to what agents did on it: the writes ownership refused (what the
 * agent tried and why it was kept out), its latest runs, and every log entry.
 */
export function CardHistory({ boardId, taskId }: { boardId: string; taskId: string }): ReactElement {
  const headingId = useId();
  const history = useCardHistoryStore((s) => s.cards[cardKey(boardId, taskId)]);
  const load = useCardHistoryStore((s) => s.load);
  useEffect(() => {
    void load(boardId, taskId);
  }, [boardId, taskId, load]);
  return (
    <section className="card-history" aria-labelledby={headingId} data-testid="card-history">
      <h3 className="section-title" id={headingId}>
        Agents on this card
      </h3>
      {!history || history.status === 'loading' ? (
        <p className="text-muted" role="status">
          Loading…
        </p>
      ) : history.status === 'error' ? (
        <p className="text-bad">Could not load what agents did here: {history.error}</p>
      ) : (
        <>
          {history.refused.length > 0 ? (
            <ul className="card-refused" aria-label="Refused agent writes" data-testid="card-refused">
              {history.refused.map((e) => (
                <li key={e.seq} className="card-refused-item">
                  <strong>
                    {describeLogActor(e.actor)} tried to write {fieldLabel(e.field ?? 'a field')}
                  </strong>{' '}
                  <span className="text-muted">· {formatTime(e.at)}</span>
                  <div>
                    Tried: <span className="mono">{shortValue(e.after, 120)}</span>
                  </div>
                  <div className="text-warn">Refused: {e.reason}</div>
                </li>
              ))}
            </ul>
          ) : null}
          {history.runs.length > 0 ? (
            <ul className="card-runs" aria-label="Latest runs on this card">
              {history.runs.map((r) => (
                <li key={r.id}>
                  <a href="#/agents">
                    Run #{r.id} · {r.agentId}
                  </a>{' '}
                  <RunStatePill state={r.state} /> <span className="text-muted">{r.outcome ?? r.error ?? ''}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-muted">No agent has run on this card.</p>
          )}
          <a href={activityHash({ boardId, taskId })}>Every log entry for this card</a>
        </>
      )}
    </section>
  );
}
