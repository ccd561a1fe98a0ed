import { useCallback, useEffect, type ReactElement } from 'react';
import type { AppState } from '../../../shared/model';
import { AgentCard } from '../components/AgentCard';
import { AgentConfigActions } from '../components/AgentConfigActions';
import { AgentEditors } from '../components/AgentEditors';
import { useAgentEditorStore } from '../state/agent-editor-store';
import { EmptyState } from '../components/EmptyState';
import { LoadGate } from '../components/LoadGate';
import { Notice } from '../components/Notice';
import { Page } from '../components/Page';
import { Panel } from '../components/Panel';
import { RunDetail } from '../components/RunDetail';
import { describeActor, formatTime } from '../format';
import { useAgentsStore } from '../state/agents-store';
import { useLiveState } from '../state/hooks';
import { useViewStore } from '../state/view-store';

function Agents({ state }: { state: AppState }): ReactElement {
  const stored = useAgentsStore((s) => s.agents);
  const status = useAgentsStore((s) => s.status);
  const error = useAgentsStore((s) => s.error);
  const runs = useAgentsStore((s) => s.runs);
  const pending = useAgentsStore((s) => s.pending);
  const messages = useAgentsStore((s) => s.messages);
  const retrying = useAgentsStore((s) => s.retrying);
  const retryErrors = useAgentsStore((s) => s.retryErrors);
  const notifications = useAgentsStore((s) => s.notifications);
  const selectedRunId = useAgentsStore((s) => s.selectedRunId);
  const detail = useAgentsStore((s) => s.detail);
  const detailStatus = useAgentsStore((s) => s.detailStatus);
  const detailError = useAgentsStore((s) => s.detailError);
  const open = useAgentsStore((s) => s.open);
  const reload = useAgentsStore((s) => s.reload);
  const loadRuns = useAgentsStore((s) => s.loadRuns);
  const loadOlderRuns = useAgentsStore((s) => s.loadOlderRuns);
  const pause = useAgentsStore((s) => s.pause);
  const resume = useAgentsStore((s) => s.resume);
  const retry = useAgentsStore((s) => s.retry);
  const select = useAgentsStore((s) => s.select);
  const loadDetail = useAgentsStore((s) => s.loadDetail);
  const go = useViewStore((s) => s.go);
  const closeDetail = useCallback(() => select(null), [select]);

  useEffect(() => open(), [open]);
  const configs = useAgentEditorStore((s) => s.configs);
  const confirmingRemove = useAgentEditorStore((s) => s.confirmingRemove);
  const editorBusy = useAgentEditorStore((s) => s.busy);
  const editorErrors = useAgentEditorStore((s) => s.actionErrors);
  const editor = useAgentEditorStore.getState;
  // The configs follow the agents: a change anywhere (another window, a config reload) shows here.
  const configKey = state.agents.map((a) => `${a.id}:${a.board}:${a.workflow}:${a.provider ?? ''}`).join('|');
  useEffect(() => {
    void useAgentEditorStore.getState().load();
  }, [configKey]);

  const agents = stored ?? state.agents;
  // An agent that appears later (a config change) gets its runs loaded too.
  const agentIds = agents.map((a) => a.id).join('\n');
  useEffect(() => {
    if (status !== 'ready') return;
    for (const id of agentIds.split('\n')) {
      if (id && !useAgentsStore.getState().runs[id]) void loadRuns(id);
    }
  }, [agentIds, status, loadRuns]);

  const openBoard = (boardId: string): void => {
    select(null);
    go('board', boardId);
  };

  return (
    <>
      <div className="agent-toolbar">
        <button
          type="button"
          className="button button-primary"
          data-testid="add-agent"
          onClick={() => editor().open({ mode: 'create' })}
        >
          Add agent
        </button>
      </div>
      <AgentEditors state={state} />
      {state.pause.paused ? (
        <Notice tone="warn" title="All agents are paused">
          Paused by {describeActor(state.pause.by)} at {formatTime(state.pause.at)}
          {state.pause.reason ? ` (reason: “${state.pause.reason}”)` : ''}. Runs wait until you resume all.
        </Notice>
      ) : null}
      {status === 'error' && stored === null ? (
        <Notice
          tone="error"
          title="Could not load the agents"
          action={{ label: 'Try again', onClick: () => void reload() }}
        >
          {error}
        </Notice>
      ) : null}
      {agents.length === 0 ? (
        <Panel title="No agents">
          <EmptyState title="No agents configured">
            <p>
              No agents yet — use Add agent above, or declare one under <code>agents:</code> in your config.
            </p>
            <p className="text-muted">
              Config in use: <span className="mono">{state.configSource}</span>
            </p>
          </EmptyState>
        </Panel>
      ) : (
        <div className="agent-list">
          {agents.map((agent) => (
            <AgentCard
              key={agent.id}
              agent={agent}
              globalPause={state.pause}
              runs={runs[agent.id]}
              pending={pending[agent.id]}
              message={messages[agent.id]}
              notification={notifications[agent.id]}
              retrying={retrying}
              retryErrors={retryErrors}
              onPause={() => void pause(agent.id)}
              onResume={() => void resume(agent.id)}
              onOpenRun={select}
              onRetryRun={(id) => void retry(id)}
              onReloadRuns={() => void loadRuns(agent.id)}
              onOlderRuns={() => void loadOlderRuns(agent.id)}
              onOpenBoard={openBoard}
              actions={
                <AgentConfigActions
                  agentId={agent.id}
                  view={configs?.[agent.id]}
                  configSource={state.configSource}
                  mcp={agent.mcp !== undefined}
                  confirming={confirmingRemove === agent.id}
                  busy={editorBusy[agent.id]}
                  error={editorErrors[agent.id]}
                  onEdit={() => editor().open({ mode: 'edit', id: agent.id })}
                  onDuplicate={() => editor().open({ mode: 'create', copyOf: agent.id })}
                  onAskRemove={(ask) => editor().askRemove(ask ? agent.id : null)}
                  onRemove={() => void editor().remove(agent.id)}
                  onRotate={() => void editor().rotate(agent.id)}
                />
              }
            />
          ))}
        </div>
      )}
      {selectedRunId !== null ? (
        <RunDetail
          runId={selectedRunId}
          run={detail}
          status={detailStatus}
          error={detailError}
          retrying={retrying[selectedRunId] === true}
          retryError={retryErrors[selectedRunId]}
          onRetry={() => void retry(selectedRunId)}
          onReload={() => void loadDetail()}
          onOpenTask={openBoard}
          onClose={closeDetail}
        />
      ) : null}
    </>
  );
}

/** The agents the config declares: what each is doing, what it used today, its brake, and its runs, live. */
export function AgentsView(): ReactElement {
  const { state, error, retry } = useLiveState();
  return (
    <Page title="Agents" description="The agents that work on your boards, what each is doing, and every run.">
      <LoadGate value={state} error={error} onRetry={retry}>
        {(s) => <Agents state={s} />}
      </LoadGate>
    </Page>
  );
}
