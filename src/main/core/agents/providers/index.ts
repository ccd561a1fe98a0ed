import type { ProviderConfig } from '../../config';
import { registerSecretValue } from '../../logger';
import { resolveSecret, type SecretBackends } from '../../secrets/resolve';
import type { AgentProvider } from '../types';
import { CommandProvider } from './command';
import { DemoProvider } from './demo';
import { ProviderError } from './errors';
import { LlmProvider } from './llm';
import type { ProcessRegistry } from './process-registry';

export { ProviderError } from './errors';

export interface ProviderDeps {
  secrets: SecretBackends;
  /** Environment names the config uses as secrets; a command only gets the ones its own `env` maps. */
  secretEnvNames: readonly string[];
  /** The environment commands inherit (default: this process's). */
  baseEnv?: NodeJS.ProcessEnv;
  /** LLM streaming (SSE) instead of one JSON answer, unless the provider's config says `stream`. */
  stream?: boolean;
  demoDelayMs?: number;
  /** Where command agents are noted while they run (see ProcessRegistry). */
  processes?: ProcessRegistry;
}

/** A short, secret-free description of a provider for the UI, before it is built. */
export function describeProvider(config: ProviderConfig): string {
  switch (config.type) {
    case 'command':
      return `command ${config.command.join(' ')}`.slice(0, 200);
    case 'openai':
      return `openai ${config.model} at ${config.base_url}`;
    case 'anthropic':
      return `anthropic ${config.model}`;
    case 'demo':
      return 'demo (offline, no AI)';
    case 'mcp':
      return 'mcp (driven by its MCP client)';
  }
}

async function secret(ref: Parameters<typeof resolveSecret>[0], deps: ProviderDeps): Promise<string> {
  try {
    const value = await resolveSecret(ref, deps.secrets);
    registerSecretValue(value);
    return value;
  } catch (err) {
    throw new ProviderError('config', err instanceof Error ? err.message : String(err), false);
  }
}

/** The environment a command starts with: ours, minus secrets meant for others, plus its own `env`. */
async function commandEnv(
  config: Extract<ProviderConfig, { type: 'command' }>,
  deps: ProviderDeps,
): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...(deps.baseEnv ?? process.env) };
  for (const name of deps.secretEnvNames) delete env[name];
  delete env.DECKHAND_API_TOKEN;
  for (const [name, value] of Object.entries(config.env ?? {})) {
    env[name] = typeof value === 'string' ? value : await secret(value, deps);
  }
  return env;
}

/** Timeout, streaming and price of an LLM call: the provider's config, else the runtime's choice. */
function llmCallOptions(
  config: Extract<ProviderConfig, { type: 'openai' | 'anthropic' }>,
  deps: ProviderDeps,
): { timeoutMs?: number; stream?: boolean; price?: { input: number; output: number } } {
  const stream = config.stream ?? deps.stream;
  return {
    ...(config.timeout !== undefined ? { timeoutMs: config.timeout } : {}),
    ...(stream !== undefined ? { stream } : {}),
    ...(config.price ? { price: config.price } : {}),
  };
}

/**
 * Builds the provider an agent's config describes, resolving its secrets
 * (keychain or env) now. A missing secret is a config error: the run fails
 * with the message that says how to set it.
 */
export async function createProvider(config: ProviderConfig, deps: ProviderDeps): Promise<AgentProvider> {
  switch (config.type) {
    case 'command':
      return new CommandProvider({
        command: config.command,
        ...(config.cwd ? { cwd: config.cwd } : {}),
        ...(config.timeout ? { timeoutMs: config.timeout } : {}),
        env: await commandEnv(config, deps),
        ...(deps.processes ? { processes: deps.processes } : {}),
      });
    case 'openai':
      return new LlmProvider({
        kind: 'openai',
        model: config.model,
        baseUrl: config.base_url,
        ...(config.api_key ? { apiKey: await secret(config.api_key, deps) } : {}),
        ...llmCallOptions(config, deps),
      });
    case 'anthropic':
      return new LlmProvider({
        kind: 'anthropic',
        model: config.model,
        apiKey: await secret(config.api_key, deps),
        ...(config.base_url ? { baseUrl: config.base_url } : {}),
        ...llmCallOptions(config, deps),
      });
    case 'demo':
      return new DemoProvider(deps.demoDelayMs);
    case 'mcp':
      // The runtime never starts runs for MCP agents; their client does the work (see core/mcp).
      throw new ProviderError(
        'config',
        'an MCP agent is driven by its MCP client; Deckhand runs nothing for it',
        false,
      );
  }
}
