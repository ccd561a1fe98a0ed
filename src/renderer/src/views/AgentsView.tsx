import type { ReactElement } from 'react';
import { EmptyState } from '../components/EmptyState';
import { LoadGate } from '../components/LoadGate';
import { Page } from '../components/Page';
import { Panel } from '../components/Panel';
import { StatusPill } from '../components/StatusPill';
import { plural } from '../format';
import { useLiveState } from '../state/hooks';

/** The agents the config declares and what each is doing. */
export function AgentsView(): ReactElement {
  const { state, error, retry } = useLiveState();
  return (
    <Page title="Agents" description="The agents that work on your boards, and what each is doing.">
      <LoadGate value={state} error={error} onRetry={retry}>
        {(s) => (
          <Panel title="Configured agents" aside={plural(s.agents.length, 'agent')}>
            {s.agents.length === 0 ? (
              <EmptyState title="No agents configured">
                <p>
                  No agents configured — add one under <code>agents:</code> in your config.
                </p>
                <p className="text-muted">
                  Config in use: <span className="mono">{s.configSource}</span>
                </p>
              </EmptyState>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Agent</th>
                    <th scope="col">Board</th>
                    <th scope="col">Workflow</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {s.agents.map((agent) => (
                    <tr key={agent.id}>
                      <th scope="row" className="mono">
                        {agent.id}
                      </th>
                      <td className="mono">{agent.board}</td>
                      <td>{agent.workflow}</td>
                      <td>
                        <StatusPill status={agent.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Panel>
        )}
      </LoadGate>
    </Page>
  );
}
