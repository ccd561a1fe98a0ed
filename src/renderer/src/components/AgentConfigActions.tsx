import type { ReactElement } from 'react';
import type { AgentConfigView } from '../../../shared/model';

export interface AgentConfigActionsProps {
  agentId: string;
  view: AgentConfigView | undefined;
  configSource: string;
  mcp: boolean;
  confirming: boolean;
  busy: 'remove' | 'rotate' | undefined;
  error: string | undefined;
  onEdit(): void;
  onDuplicate(): void;
  onAskRemove(ask: boolean): void;
  onRemove(): void;
  onRotate(): void;
}

/** Edit, duplicate, remove (confirmed) and replace an MCP token; a config-file agent says where it comes from. */
export function AgentConfigActions(props: AgentConfigActionsProps): ReactElement | null {
  const { agentId, view } = props;
  if (!view) return null;
  if (view.source === 'config') {
    return (
      <div className="agent-config-actions" data-testid="agent-config-actions">
        <span className="text-muted" data-testid="agent-from-config">
          Declared in <span className="mono">{props.configSource}</span>: change it there (the file wins).
        </span>
        <button type="button" className="button button-ghost button-small" onClick={props.onDuplicate}>
          Duplicate
        </button>
      </div>
    );
  }
  return (
    <div className="agent-config-actions" data-testid="agent-config-actions">
      <button
        type="button"
        className="button button-secondary button-small"
        aria-label={`Edit agent ${agentId}`}
        onClick={props.onEdit}
      >
        Edit
      </button>
      <button type="button" className="button button-ghost button-small" onClick={props.onDuplicate}>
        Duplicate
      </button>
      {props.mcp ? (
        <button
          type="button"
          className="button button-ghost button-small"
          disabled={props.busy !== undefined}
          aria-busy={props.busy === 'rotate'}
          onClick={props.onRotate}
        >
          {props.busy === 'rotate' ? 'Replacing…' : 'Replace token'}
        </button>
      ) : null}
      {props.confirming ? (
        <span className="row-confirm" role="group" aria-label={`Remove agent ${agentId}?`}>
          <span>Remove {agentId}? Its runs stay in the log.</span>
          <button
            type="button"
            className="button button-danger button-small"
            disabled={props.busy !== undefined}
            onClick={props.onRemove}
          >
            Remove
          </button>
          <button type="button" className="button button-ghost button-small" onClick={() => props.onAskRemove(false)}>
            Keep
          </button>
        </span>
      ) : (
        <button
          type="button"
          className="button button-ghost button-danger-text button-small"
          aria-label={`Remove agent ${agentId}`}
          onClick={() => props.onAskRemove(true)}
        >
          Remove
        </button>
      )}
      {props.error ? <span className="text-bad">{props.error}</span> : null}
    </div>
  );
}
