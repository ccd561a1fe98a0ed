import type { AgentConfig } from '../config';
import { createLogger } from '../logger';

const log = createLogger('agents');

/** Where local OpenAI-compatible servers listen by default. */
export const LOCAL_LLM_SERVERS = [
  { name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1' },
  { name: 'LM Studio', baseUrl: 'http://127.0.0.1:1234/v1' },
] as const;

export interface LocalLlm {
  name: string;
  baseUrl: string;
  model: string;
}

/** Asks one server for its models; undefined unless it answers quickly with at least one. */
async function probe(server: { name: string; baseUrl: string }, timeoutMs: number): Promise<LocalLlm | undefined> {
  try {
    const res = await fetch(`${server.baseUrl}/models`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { data?: { id?: unknown }[] };
    const model = body.data?.find((m) => typeof m.id === 'string')?.id;
    return typeof model === 'string' ? { ...server, model } : undefined;
  } catch {
    return undefined;
  }
}

/** The first local OpenAI-compatible server that answers (Ollama first), or undefined. */
export async function findLocalLlm(
  servers: readonly { name: string; baseUrl: string }[] = LOCAL_LLM_SERVERS,
  timeoutMs = 500,
): Promise<LocalLlm | undefined> {
  const found = await Promise.all(servers.map((s) => probe(s, timeoutMs)));
  return found.find((f) => f !== undefined);
}

/**
 * The agent the embedded default starts with, on the built-in local board:
 * a pickup agent for tasks labelled `needs-ai`. It uses a local model when one
 * answers on localhost, and otherwise the clearly labelled offline demo, so a
 * new user sees the loop (claim, notes, review) work in the first minute.
 */
export async function embeddedAgents(options: { probe: boolean; boardId?: string }): Promise<AgentConfig[]> {
  const local = options.probe ? await findLocalLlm() : undefined;
  if (local) log.info(`found ${local.name} at ${local.baseUrl} (model ${local.model}); the embedded agent uses it`);
  return [
    {
      id: local ? 'assistant' : 'demo',
      role: local ? `assistant (${local.name}, ${local.model})` : 'demo (offline, no AI)',
      board: options.boardId ?? 'local',
      workflow: 'pickup',
      routes: { labels: ['needs-ai'], columns: [], exclude_labels: [] },
      provider: local ? { type: 'openai', base_url: local.baseUrl, model: local.model } : { type: 'demo' },
      concurrency: 1,
    },
  ];
}
