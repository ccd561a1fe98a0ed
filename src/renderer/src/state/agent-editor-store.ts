import { create } from 'zustand';
import { ApiError, type CallInput } from '../../../shared/contract';
import type { AgentConfigView, McpTokenOnce } from '../../../shared/model';
import { describeCallError, describeError } from '../api/envelope';
import { errorsFromProblems, type AgentDraft, type DraftErrors } from '../lib/agent-form';
import { configFromDraft } from '../lib/agent-form';
import { api } from './api';

export type EditorTarget = { mode: 'create'; copyOf?: string } | { mode: 'edit'; id: string };

export interface AgentEditorStore {
  /** The agents in config-file form, by id; null before the first load. */
  configs: Record<string, AgentConfigView> | null;
  loadError: string | null;
  /** The editor dialog, when open. */
  editing: EditorTarget | null;
  saving: boolean;
  errors: DraftErrors;
  testing: boolean;
  modelTest: { ok: boolean; message: string } | null;
  /** Shown once in its own dialog; cleared when that dialog closes, so the token lives nowhere after. */
  token: McpTokenOnce | null;
  /** The agent whose removal waits for a confirmation. */
  confirmingRemove: string | null;
  busy: Record<string, 'remove' | 'rotate'>;
  actionErrors: Record<string, string>;
  load(): Promise<void>;
  open(target: EditorTarget): void;
  close(): void;
  clearError(field: keyof DraftErrors): void;
  save(draft: AgentDraft, apiKey: string): Promise<boolean>;
  testModel(draft: AgentDraft, apiKey: string): Promise<void>;
  askRemove(id: string | null): void;
  remove(id: string): Promise<void>;
  rotate(id: string): Promise<void>;
  closeToken(): void;
}

function modelChoice(draft: AgentDraft, apiKey: string, agentId?: string): CallInput<'testAgentModel'> {
  const key = apiKey.trim() ? { apiKey: apiKey.trim() } : {};
  const who = agentId ? { agentId } : {};
  if (draft.provider === 'openai') {
    return { type: 'openai', baseUrl: draft.baseUrl.trim(), model: draft.model.trim(), ...key, ...who };
  }
  if (draft.provider === 'anthropic') return { type: 'anthropic', model: draft.model.trim(), ...key, ...who };
  return { type: 'demo' };
}

function errorsOf(err: unknown): DraftErrors {
  if (err instanceof ApiError && err.problems?.length) return errorsFromProblems(err.problems);
  // A refusal with no problem list still names its field first ("agentId: ...").
  return { form: describeCallError(err) };
}

/** Adding, editing and removing agents, and an MCP agent's token shown once. */
export const useAgentEditorStore = create<AgentEditorStore>()((set, get) => {
  const setBusy = (id: string, what: 'remove' | 'rotate' | null): void =>
    set((s) => {
      const { [id]: _old, ...busy } = s.busy;
      const { [id]: _err, ...actionErrors } = s.actionErrors;
      return { busy: what ? { ...busy, [id]: what } : busy, ...(what ? { actionErrors } : {}) };
    });
  const fail = (id: string, what: string, err: unknown): void =>
    set((s) => ({ actionErrors: { ...s.actionErrors, [id]: `Could not ${what}: ${describeError(err)}` } }));

  return {
    configs: null,
    loadError: null,
    editing: null,
    saving: false,
    errors: {},
    testing: false,
    modelTest: null,
    token: null,
    confirmingRemove: null,
    busy: {},
    actionErrors: {},

    async load() {
      try {
        const list = await api().call('listAgentConfigs', {});
        set({ configs: Object.fromEntries(list.map((c) => [c.id, c])), loadError: null });
      } catch (err) {
        set({ loadError: describeError(err) });
      }
    },

    open(target) {
      set({ editing: target, errors: {}, modelTest: null, saving: false });
      void get().load();
    },

    close() {
      set({ editing: null, errors: {}, modelTest: null, saving: false });
    },

    clearError(field) {
      if (!get().errors[field] && !get().errors.form) return;
      set((s) => {
        const { [field]: _gone, form: _form, ...rest } = s.errors;
        return { errors: rest };
      });
    },

    async save(draft, apiKey) {
      const target = get().editing;
      if (!target) return false;
      const base = target.mode === 'edit' ? get().configs?.[target.id]?.config : undefined;
      const agent = configFromDraft(draft, base ?? {});
      set({ saving: true, errors: {} });
      try {
        const key = apiKey.trim() && (draft.provider === 'openai' || draft.provider === 'anthropic');
        const result = await api().call('saveAgent', {
          agent,
          create: target.mode === 'create',
          ...(key ? { apiKey: apiKey.trim() } : {}),
        });
        set((s) => ({
          saving: false,
          editing: null,
          configs: { ...(s.configs ?? {}), [result.agent.id]: result.agent },
          ...(result.mcpToken ? { token: result.mcpToken } : {}),
        }));
        return true;
      } catch (err) {
        set({ saving: false, errors: errorsOf(err) });
        return false;
      }
    },

    async testModel(draft, apiKey) {
      const target = get().editing;
      set({ testing: true, modelTest: null });
      try {
        const agentId = target?.mode === 'edit' ? target.id : undefined;
        set({ modelTest: await api().call('testAgentModel', modelChoice(draft, apiKey, agentId)) });
      } catch (err) {
        set({ modelTest: { ok: false, message: describeCallError(err) } });
      } finally {
        set({ testing: false });
      }
    },

    askRemove(id) {
      set({ confirmingRemove: id });
    },

    async remove(id) {
      setBusy(id, 'remove');
      try {
        await api().call('removeAgent', { agentId: id });
        set((s) => {
          const { [id]: _gone, ...configs } = s.configs ?? {};
          return { configs, confirmingRemove: null };
        });
      } catch (err) {
        fail(id, 'remove it', err);
      } finally {
        setBusy(id, null);
      }
    },

    async rotate(id) {
      setBusy(id, 'rotate');
      try {
        const result = await api().call('rotateMcpToken', { agentId: id });
        set((s) => ({ token: result.mcpToken, configs: { ...(s.configs ?? {}), [id]: result.agent } }));
      } catch (err) {
        fail(id, 'replace the token', err);
      } finally {
        setBusy(id, null);
      }
    },

    closeToken() {
      set({ token: null });
    },
  };
});
