import type { ReactElement } from 'react';
import type { AgentBudgetUse } from '../../../shared/model';
import { budgetMeters } from '../lib/agent-runs';

/** Today's runs, tokens and cost against the agent's daily limits, each with a small meter. */
export function AgentBudget({
  agentId,
  budget,
}: {
  agentId: string;
  budget: AgentBudgetUse | undefined;
}): ReactElement {
  if (!budget) {
    return (
      <p className="agent-budget-none text-muted">
        No budget use reported yet: the runtime reports it once the agent has started.
      </p>
    );
  }
  return (
    <dl className="agent-budget" aria-label={`Budget today (${budget.day})`} data-testid="agent-budget">
      {budgetMeters(budget).map((m) => (
        <div key={m.key} className={`agent-meter tone-${m.tone}`} data-testid={`budget-${m.key}`}>
          <dt>{m.label} today</dt>
          <dd>
            <span className="agent-meter-text">{m.text}</span>
            {m.fraction === null ? (
              <span className="agent-meter-track is-unlimited" aria-hidden="true" />
            ) : (
              <span
                className="agent-meter-track"
                role="meter"
                aria-label={`${m.label} used today by ${agentId}`}
                aria-valuemin={0}
                aria-valuemax={m.limit}
                aria-valuenow={Math.min(m.used, m.limit ?? m.used)}
                aria-valuetext={m.text}
              >
                <span className="agent-meter-fill" style={{ width: `${Math.round(m.fraction * 100)}%` }} />
              </span>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
