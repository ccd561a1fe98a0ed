import type { ReactElement } from 'react';
import type { AppState } from '../../../shared/model';
import { draftFromConfig, emptyDraft } from '../lib/agent-form';
import { mcpEndpoint } from '../lib/mcp-snippets';
import { useAgentEditorStore } from '../state/agent-editor-store';
import { AgentEditorDialog } from './AgentEditorDialog';
import { McpTokenDialog } from './McpTokenDialog';

/** The agent editor and the once-shown token dialog, wired to the editor store. */
export function AgentEditors({ state }: { state: AppState }): ReactElement | null {
  const editing = useAgentEditorStore((s) => s.editing);
  const configs = useAgentEditorStore((s) => s.configs);
  const saving = useAgentEditorStore((s) => s.saving);
  const errors = useAgentEditorStore((s) => s.errors);
  const testing = useAgentEditorStore((s) => s.testing);
  const modelTest = useAgentEditorStore((s) => s.modelTest);
  const token = useAgentEditorStore((s) => s.token);
  const store = useAgentEditorStore.getState;
  if (token) {
    return (
      <McpTokenDialog
        once={token}
        endpoint={mcpEndpoint(state.webhooks.url, location.origin)}
        onClose={() => store().closeToken()}
      />
    );
  }
  if (!editing) return null;
  const sourceId = editing.mode === 'edit' ? editing.id : editing.copyOf;
  const source = sourceId ? configs?.[sourceId] : undefined;
  // An edit waits for the agent's config; a new agent does not.
  if (sourceId && !source) return null;
  const initial = source
    ? { ...draftFromConfig(source.config), ...(editing.mode === 'create' ? { id: `${source.id}-copy` } : {}) }
    : emptyDraft(state.boards[0]?.id ?? '');
  const provider = source?.config.provider as Record<string, unknown> | undefined;
  return (
    <AgentEditorDialog
      key={`${editing.mode}:${sourceId ?? ''}`}
      initial={initial}
      creating={editing.mode === 'create'}
      keyStored={editing.mode === 'edit' && provider?.api_key !== undefined}
      boards={state.boards}
      saving={saving}
      errors={errors}
      testing={testing}
      modelTest={modelTest}
      onChange={(field) => store().clearError(field)}
      onTest={(draft, key) => void store().testModel(draft, key)}
      onSave={(draft, key) => void store().save(draft, key)}
      onClose={() => store().close()}
    />
  );
}
