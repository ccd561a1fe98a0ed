import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText } from 'ai';
import type { z } from 'zod';
import { MODEL_TEST_TIMEOUT_MS, type agentModelSchema } from '../../../shared/contract';
import type { OnboardingInfo, OnboardingModel } from '../../../shared/model';
import {
  apiKeyNameFor,
  findLocalLlms,
  LOCAL_LLM_SERVERS,
  roleForChoice,
  providerFromChoice,
  type ChosenModel,
  type OnboardingRepo,
} from '../agents/embedded';
import { describeProvider } from '../agents/providers';
import { providerErrorFrom } from '../agents/providers/llm';
import type { AgentConfig, ProviderConfig } from '../config';
import { registerSecretValue } from '../logger';
import { resolveSecret } from '../secrets/resolve';
import { keychainCall } from './keychain-call';
import { boardTask } from './board-handlers';
import { UserFacingError, type CallContext, type Handlers } from './dispatch';
import type { CoreServices } from './services';

/** What onboarding needs beyond the other services; built by createCore. */
export interface OnboardingDeps {
  /** Running the embedded default (no config file): only then is there a default agent to set up. */
  embedded: boolean;
  /** The embedded default's agent. */
  defaultAgentId: string | undefined;
  repo: OnboardingRepo;
  /** Look for local model servers (default true; DECKHAND_PROBE_LOCAL_LLM=0 turns it off). */
  probeLocalLlm: boolean;
  /** Where to look (tests point this at a fake server). */
  localLlmServers?: readonly { name: string; baseUrl: string }[];
  /** How long "Test the model" waits (default MODEL_TEST_TIMEOUT_MS; tests shorten it). */
  modelTestTimeoutMs?: number;
}

type AgentModelInput = z.output<typeof agentModelSchema>;

/** The card setup makes for the agent's first run on a local board. */
export const FIRST_TASK_TITLE = 'Say hello to Deckhand';
const FIRST_TASK_DESCRIPTION =
  'A first task for the agent: read this card, write a short note about it, and move it to review.';

/** The model view of a provider: never its key, only whether one is configured. */
function modelView(provider: ProviderConfig): OnboardingModel {
  const label = describeProvider(provider);
  switch (provider.type) {
    case 'openai':
      return { type: 'openai', label, baseUrl: provider.base_url, model: provider.model, keySet: !!provider.api_key };
    case 'anthropic':
      return { type: 'anthropic', label, model: provider.model, keySet: true };
    default:
      return { type: provider.type, label, keySet: false };
  }
}

function redactKey(message: string, key: string | undefined): string {
  return key && key.length >= 4 ? message.split(key).join('[redacted]') : message;
}

/** 60 s, 1.5 s: a wait as a person reads it. */
function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** Sends one tiny prompt; a clear message either way, without the key in it. */
async function tryModel(
  kind: 'openai' | 'anthropic',
  model: string,
  baseUrl: string | undefined,
  apiKey: string | undefined,
  timeoutMs: number,
) {
  const label = kind === 'anthropic' ? `Anthropic ${model}` : `${model} at ${baseUrl}`;
  const languageModel =
    kind === 'anthropic'
      ? createAnthropic({ ...(apiKey ? { apiKey } : {}) })(model)
      : createOpenAICompatible({
          name: 'openai-compatible',
          baseURL: baseUrl ?? '',
          ...(apiKey ? { apiKey } : {}),
        }).chatModel(model);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const result = await generateText({
      model: languageModel,
      prompt: 'Reply with the single word OK.',
      maxOutputTokens: 16,
      maxRetries: 0,
      abortSignal: signal,
    });
    const text = result.text.trim().replace(/\s+/g, ' ').slice(0, 80);
    return { ok: true, message: redactKey(`${label} answered${text ? `: "${text}"` : ''}`, apiKey) };
  } catch (err) {
    if (signal.aborted) {
      return { ok: false, message: `${label} did not answer within ${formatSeconds(timeoutMs)}` };
    }
    const problem = providerErrorFrom(err, false, label);
    return { ok: false, message: redactKey(problem.message, apiKey) };
  }
}

/** First-start onboarding: where the default agent works, which model it uses, and whether setup is done. */
export function onboardingHandlers(
  s: CoreServices,
): Pick<
  Handlers,
  | 'getOnboarding'
  | 'setDefaultAgentBoard'
  | 'setDefaultAgentModel'
  | 'testAgentModel'
  | 'completeOnboarding'
  | 'restartOnboarding'
  | 'createFirstTask'
> {
  const deps = s.onboarding;

  const defaultAgent = (): AgentConfig | undefined =>
    deps.embedded ? s.agents.agentConfigs().find((a) => a.id === deps.defaultAgentId) : undefined;

  const requireAgent = (): AgentConfig => {
    const agent = defaultAgent();
    if (!agent) {
      throw new UserFacingError(
        'invalid_input',
        'there is no default agent to set up: Deckhand runs with a config file, so edit the agents there',
      );
    }
    return agent;
  };

  const info = async (): Promise<OnboardingInfo> => {
    const choice = deps.repo.get();
    const agent = defaultAgent();
    const localModels =
      deps.embedded && deps.probeLocalLlm ? await findLocalLlms(deps.localLlmServers ?? LOCAL_LLM_SERVERS) : [];
    return {
      show: deps.embedded && agent !== undefined && choice.status === 'pending',
      status: choice.status,
      embedded: deps.embedded,
      agent: agent ? { id: agent.id, boardId: agent.board, model: modelView(agent.provider) } : null,
      localModels: localModels.map((m) => ({ name: m.name, baseUrl: m.baseUrl, model: m.model })),
      boards: s.boards.list().map(({ config, error }) => ({
        id: config.id,
        name: config.name ?? config.id,
        type: config.type,
        ...(error ? { error } : {}),
      })),
    };
  };

  const journal = (ctx: CallContext, after: Record<string, unknown>, reason: string): void => {
    s.engine.journal.append({ actor: `human:${ctx.transport}`, action: 'agent.reconfigured', after, reason });
  };

  /** A default agent edited in the Agents view is stored there: setup's later changes go to that copy too. */
  const keepSaved = (agentId: string, patch: Record<string, unknown>): void => {
    const saved = s.agentConfigs.repo.get(agentId);
    if (saved) s.agentConfigs.repo.put({ ...saved, config: { ...saved.config, ...patch } });
  };

  /** The chosen model as stored: a key goes to the keychain and only its name is kept. */
  const chosenModel = async (agentId: string, input: AgentModelInput): Promise<ChosenModel> => {
    const keyName = apiKeyNameFor(agentId);
    if (input.type === 'demo') return { type: 'demo' };
    if (input.apiKey) {
      registerSecretValue(input.apiKey);
      await keychainCall(() => s.secrets.keychain.set(keyName, input.apiKey!));
    }
    if (input.type === 'openai') {
      return { type: 'openai', baseUrl: input.baseUrl, model: input.model, ...(input.apiKey ? { keyName } : {}) };
    }
    if (!input.apiKey && (await keychainCall(() => s.secrets.keychain.get(keyName))) === undefined) {
      throw new UserFacingError('invalid_input', 'apiKey: required for Anthropic (it is stored in the OS keychain)');
    }
    return { type: 'anthropic', model: input.model, keyName };
  };

  /** A local server's name when the URL is one of the known ones, for the agent's role line. */
  const serverName = (baseUrl: string): string | undefined =>
    (deps.localLlmServers ?? LOCAL_LLM_SERVERS).find((server) => server.baseUrl === baseUrl)?.name;

  return {
    getOnboarding: () => info(),

    setDefaultAgentBoard: async ({ boardId, move }, ctx) => {
      const agent = requireAgent();
      const entry = s.boards.get(boardId);
      if (!entry) {
        const ids = s.boards.list().map((b) => b.config.id);
        throw new UserFacingError('invalid_input', `boardId: no board "${boardId}"; boards are: ${ids.join(', ')}`);
      }
      if (entry.error) {
        throw new UserFacingError('invalid_input', `boardId: board "${boardId}" is not connected: ${entry.error}`);
      }
      // An agent an earlier setup placed moves only when the person says so (a re-run of setup asks first).
      const placed = deps.repo.get().boardId !== undefined;
      if (agent.board !== boardId && placed && move !== true) {
        throw new UserFacingError(
          'invalid_input',
          `move: agent ${agent.id} works on board ${agent.board}; moving it to ${boardId} needs your confirmation (move: true)`,
        );
      }
      if (agent.board !== boardId) {
        await s.agents.reconfigureAgent(agent.id, { board: boardId });
        keepSaved(agent.id, { board: boardId });
        journal(ctx, { agent: agent.id, board: boardId }, `the default agent now works on board ${boardId}`);
      }
      deps.repo.update({ boardId });
      return info();
    },

    setDefaultAgentModel: async (input, ctx) => {
      const agent = requireAgent();
      const model = await chosenModel(agent.id, input);
      const provider = providerFromChoice(model);
      const role = roleForChoice(model, model.type === 'openai' ? serverName(model.baseUrl) : undefined);
      await s.agents.reconfigureAgent(agent.id, { provider, role });
      keepSaved(agent.id, { provider, role });
      deps.repo.update({ model, agentId: agent.id });
      journal(
        ctx,
        { agent: agent.id, provider: describeProvider(provider), key: model.type !== 'demo' && 'keyName' in model },
        'the default agent uses a new model',
      );
      return info();
    },

    testAgentModel: async (input) => {
      if (input.type === 'demo') return { ok: true, message: 'The demo agent works offline; it needs no model.' };
      let apiKey = input.apiKey;
      const stored = input.agentId ? s.agents.agentConfig(input.agentId)?.provider : undefined;
      if (!apiKey && stored && 'api_key' in stored && stored.api_key) {
        apiKey = await resolveSecret(stored.api_key, s.secrets).catch(() => undefined);
      }
      if (!apiKey && input.type === 'anthropic' && !input.agentId) {
        const agent = defaultAgent();
        apiKey = agent ? await keychainCall(() => s.secrets.keychain.get(apiKeyNameFor(agent.id))) : undefined;
      }
      if (!apiKey && input.type === 'anthropic') return { ok: false, message: 'apiKey: required for Anthropic' };
      if (apiKey) registerSecretValue(apiKey);
      return tryModel(
        input.type,
        input.model,
        input.type === 'openai' ? input.baseUrl : undefined,
        apiKey,
        deps.modelTestTimeoutMs ?? MODEL_TEST_TIMEOUT_MS,
      );
    },

    createFirstTask: ({ boardId }, ctx) => {
      const store = s.adapterDeps.localStore;
      const entry = s.boards.get(boardId);
      if (!entry || entry.config.type !== 'local') {
        throw new UserFacingError(
          'invalid_input',
          `boardId: "${boardId}" is not a local board; label a card there yourself`,
        );
      }
      const known = deps.repo.get().firstTasks ?? {};
      const existing = known[boardId] ? store.getTask(boardId, known[boardId]) : null;
      if (existing) return boardTask(existing);
      const task = store.createTask(
        boardId,
        { title: FIRST_TASK_TITLE, description: FIRST_TASK_DESCRIPTION, labels: ['needs-ai'] },
        `human:${ctx.transport}`,
      );
      deps.repo.update({ firstTasks: { ...known, [boardId]: task.id } });
      return boardTask(task);
    },

    completeOnboarding: ({ outcome }) => {
      // Where the agent works now counts as chosen, even if the person kept the board it started on.
      const agent = defaultAgent();
      deps.repo.update({ status: outcome, ...(deps.repo.get().boardId || !agent ? {} : { boardId: agent.board }) });
      return info();
    },

    restartOnboarding: () => {
      deps.repo.update({ status: 'pending' });
      return info();
    },
  };
}
