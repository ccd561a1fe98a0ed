import { randomBytes } from 'node:crypto';
import type { AgentConfigView, McpTokenOnce } from '../../../shared/model';
import type { LogAction } from '../../../shared/log-actions';
import { describeProblems, type Problem } from '../../../shared/validation';
import { apiKeyNameFor } from '../agents/embedded';
import { describeProvider } from '../agents/providers';
import {
  agentToRaw,
  checkAgent,
  mcpTokenEnvFor,
  mcpTokenNameFor,
  ownsKeychainEntry,
  type SavedAgent,
  type SavedAgentsRepo,
} from '../agents/saved-agents';
import type { AgentConfig } from '../config';
import { registerSecretValue } from '../logger';
import { KeychainUnavailableError } from '../secrets/secret-store';
import { keychainCall } from './keychain-call';
import { UserFacingError, type CallContext, type Handlers } from './dispatch';
import type { CoreServices } from './services';

/** What managing agents needs beyond the other services; built by createCore. */
export interface AgentConfigDeps {
  repo: SavedAgentsRepo;
  /** Ids the config file declares: those agents are read-only in the UI. */
  configAgentIds: ReadonlySet<string>;
  /** The MCP endpoint forgets a cached token (after a rotation or a removal). */
  forgetMcpToken(agentId: string): void;
}

type Calls = 'listAgentConfigs' | 'saveAgent' | 'removeAgent' | 'rotateMcpToken';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A command agent runs a program on this machine: that is for the config file, which only its owner can edit. */
const COMMAND_REFUSED =
  'a command agent runs a program on this machine, so it can only be declared in config.yaml; pick openai, anthropic, demo or mcp';

/** Keychain names a config references (`{ keychain: NAME }`), anywhere in it. */
function keychainRefs(config: unknown): string[] {
  const names: string[] = [];
  JSON.stringify(config, (key, value: unknown) => {
    if (key === 'keychain' && typeof value === 'string') names.push(value);
    return value;
  });
  return names;
}

/** A command agent's env values are shown as names only: a config may put a plain token there. */
function shown(raw: Record<string, unknown>): Record<string, unknown> {
  const provider = raw.provider;
  if (!isRecord(provider) || provider.type !== 'command' || !isRecord(provider.env)) return raw;
  const env = Object.fromEntries(Object.keys(provider.env).map((k) => [k, '(set in config.yaml)']));
  return { ...raw, provider: { ...provider, env } };
}

function newToken(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Adding, editing, duplicating (an add with a copy's fields) and removing
 * agents from the UI. Each agent is checked by the config file's own agent
 * schema, stored in the settings table like a saved board (secrets as
 * keychain references only) and applied to the running runtime. An agent the
 * config file declares is refused: the file wins.
 */
export function agentConfigHandlers(s: CoreServices): Pick<Handlers, Calls> {
  const deps = s.agentConfigs;

  const sourceOf = (id: string): AgentConfigView['source'] =>
    deps.configAgentIds.has(id) ? 'config' : id === s.onboarding.defaultAgentId && !deps.repo.get(id) ? 'setup' : 'app';

  const viewOf = (agent: AgentConfig): AgentConfigView => {
    const source = sourceOf(agent.id);
    const saved = source === 'app' ? deps.repo.get(agent.id) : undefined;
    return { id: agent.id, source, config: shown(saved?.config ?? agentToRaw(agent)) };
  };

  const refuseConfigDeclared = (id: string, what: string): void => {
    if (deps.configAgentIds.has(id)) {
      throw new UserFacingError('invalid_input', `id: agent "${id}" is declared in config.yaml; ${what} it there`, [
        { path: 'id', message: `declared in config.yaml; ${what} it there` },
      ]);
    }
  };

  const invalid = (problems: Problem[]): never => {
    throw new UserFacingError('invalid_input', describeProblems(problems), problems);
  };

  /** Makes a token and keeps it in the keychain, or (no keychain) says which variable the person must set. */
  const issueToken = async (agentId: string, ref: unknown): Promise<McpTokenOnce> => {
    const token = newToken();
    registerSecretValue(token);
    const name = isRecord(ref) && typeof ref.keychain === 'string' ? ref.keychain : mcpTokenNameFor(agentId);
    if (isRecord(ref) && typeof ref.env === 'string') return { agentId, token, storedIn: { env: ref.env } };
    try {
      await s.secrets.keychain.set(name, token);
      return { agentId, token, storedIn: { keychain: name } };
    } catch (err) {
      if (!(err instanceof KeychainUnavailableError)) throw err;
      return { agentId, token, storedIn: { env: mcpTokenEnvFor(agentId) } };
    }
  };

  const journal = (ctx: CallContext, action: LogAction, after: Record<string, unknown>, reason: string): void => {
    s.engine.journal.append({ actor: `human:${ctx.transport}`, action, after, reason });
  };

  return {
    listAgentConfigs: () => s.agents.agentConfigs().map(viewOf),

    saveAgent: async ({ agent: input, create, apiKey }, ctx) => {
      const raw: Record<string, unknown> = structuredClone(input);
      const id = raw.id;
      if (typeof id !== 'string' || id === '') return invalid([{ path: 'id', message: 'required' }]);
      refuseConfigDeclared(id, 'edit');
      const exists = s.agents.hasAgent(id);
      if (create && exists) invalid([{ path: 'id', message: `an agent "${id}" already exists; pick another id` }]);
      if (!create && !exists) throw new UserFacingError('not_found', `no agent "${id}"`);
      const previous = exists ? viewOf(s.agents.agentConfig(id)!).config : undefined;
      const before = isRecord(previous?.provider) ? previous.provider : undefined;
      const provider = isRecord(raw.provider) ? raw.provider : undefined;
      if (provider?.type === 'command') invalid([{ path: 'provider.type', message: COMMAND_REFUSED }]);

      // Secrets: a typed key goes to this agent's keychain entry; left empty, the stored reference stays.
      const sameType = before?.type === provider?.type;
      if (provider && (provider.type === 'openai' || provider.type === 'anthropic')) {
        if (apiKey) provider.api_key = { keychain: apiKeyNameFor(id) };
        else if (provider.api_key === undefined && sameType && before?.api_key) provider.api_key = before.api_key;
      }
      let issue = false;
      if (provider?.type === 'mcp' && provider.token === undefined) {
        if (sameType && before?.token) provider.token = before.token;
        else {
          provider.token = { keychain: mcpTokenNameFor(id) };
          issue = true;
        }
      }

      const checked = checkAgent(
        raw,
        s.boards.list().map((b) => b.config.id),
      );
      if (!checked.ok) return invalid(checked.problems);

      if (apiKey) {
        registerSecretValue(apiKey);
        await keychainCall(() => s.secrets.keychain.set(apiKeyNameFor(id), apiKey));
      }
      let mcpToken: McpTokenOnce | undefined;
      if (issue) {
        mcpToken = await issueToken(id, provider!.token);
        provider!.token = mcpToken.storedIn;
        if (checked.agent.provider.type === 'mcp') checked.agent.provider.token = mcpToken.storedIn;
        deps.forgetMcpToken(id);
      }
      const saved: SavedAgent = { id, config: raw };
      deps.repo.put(saved);
      await s.agents.setAgent(checked.agent);
      journal(
        ctx,
        exists ? 'agent.updated' : 'agent.added',
        {
          agent: id,
          board: checked.agent.board,
          workflow: checked.agent.workflow,
          provider: describeProvider(checked.agent.provider),
          ...(mcpToken ? { token: 'storedIn' in mcpToken && 'env' in mcpToken.storedIn ? 'env' : 'keychain' } : {}),
        },
        exists ? `agent ${id} edited in the app` : `agent ${id} added in the app`,
      );
      s.publishState();
      return { agent: viewOf(checked.agent), ...(mcpToken ? { mcpToken } : {}) };
    },

    removeAgent: async ({ agentId }, ctx) => {
      refuseConfigDeclared(agentId, 'remove');
      const agent = s.agents.agentConfig(agentId);
      if (!agent) throw new UserFacingError('not_found', `no agent "${agentId}"`);
      const active = (['claimed', 'running', 'waiting-for-human'] as const).flatMap((state) =>
        s.agents.runs.inState(agentId, state),
      );
      if (active.length > 0) {
        const run = active[0]!;
        throw new UserFacingError(
          'invalid_input',
          `agentId: agent ${agentId} has a run in progress (run #${run.id}${run.taskId ? ` on task ${run.taskId}` : ''}); pause it and let the run finish, or answer it, before removing the agent`,
        );
      }
      const config = deps.repo.get(agentId)?.config ?? agentToRaw(agent);
      s.agents.removeAgent(agentId);
      deps.repo.remove(agentId);
      if (agentId === s.onboarding.defaultAgentId) s.onboarding.repo.update({ removed: true });
      await keychainCall(async () => {
        for (const name of keychainRefs(config)) {
          if (ownsKeychainEntry(agentId, name)) await s.secrets.keychain.delete(name);
        }
      }).catch(() => undefined);
      deps.forgetMcpToken(agentId);
      journal(ctx, 'agent.removed', { agent: agentId }, `agent ${agentId} removed in the app`);
      s.publishState();
      return { removed: true };
    },

    rotateMcpToken: async ({ agentId }, ctx) => {
      refuseConfigDeclared(agentId, 'rotate the token');
      const agent = s.agents.agentConfig(agentId);
      if (!agent) throw new UserFacingError('not_found', `no agent "${agentId}"`);
      if (agent.provider.type !== 'mcp') {
        throw new UserFacingError('invalid_input', `agentId: agent ${agentId} is not an MCP agent; it has no token`);
      }
      const mcpToken = await issueToken(agentId, agent.provider.token);
      const saved = deps.repo.get(agentId);
      if (saved && isRecord(saved.config.provider)) {
        deps.repo.put({
          ...saved,
          config: { ...saved.config, provider: { ...saved.config.provider, token: mcpToken.storedIn } },
        });
      }
      const next: AgentConfig = { ...agent, provider: { ...agent.provider, token: mcpToken.storedIn } };
      await s.agents.setAgent(next);
      deps.forgetMcpToken(agentId);
      journal(
        ctx,
        'agent.token-rotated',
        { agent: agentId },
        `a new MCP token for agent ${agentId}; the old one stops working`,
      );
      return { agent: viewOf(next), mcpToken };
    },
  };
}
