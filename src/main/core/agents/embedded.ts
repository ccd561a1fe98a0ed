import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { AgentConfig, ProviderConfig } from '../config';
import { createLogger } from '../logger';
import { SettingsTable } from '../store/settings-repo';

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
  return (await findLocalLlms(servers, timeoutMs))[0];
}

/** Every local OpenAI-compatible server that answers, in the order given. */
export async function findLocalLlms(
  servers: readonly { name: string; baseUrl: string }[] = LOCAL_LLM_SERVERS,
  timeoutMs = 500,
): Promise<LocalLlm[]> {
  const found = await Promise.all(servers.map((s) => probe(s, timeoutMs)));
  return found.filter((f): f is LocalLlm => f !== undefined);
}

// ---------------------------------------------------------------------------
// Onboarding: the person's choices for the default agent, kept in the settings table

const ONBOARDING_KEY = 'onboarding';

/** The model chosen in onboarding. A key is only ever named here (a keychain entry), never stored. */
const chosenModelSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('demo') }),
  z.object({ type: z.literal('openai'), baseUrl: z.string(), model: z.string(), keyName: z.string().optional() }),
  z.object({ type: z.literal('anthropic'), model: z.string(), keyName: z.string() }),
]);
export type ChosenModel = z.infer<typeof chosenModelSchema>;

const onboardingChoiceSchema = z.object({
  status: z.enum(['pending', 'completed', 'skipped']).catch('pending'),
  /** The default agent's id when the choice was made, so it stays the same across restarts. */
  agentId: z.string().optional().catch(undefined),
  boardId: z.string().optional().catch(undefined),
  model: chosenModelSchema.optional().catch(undefined),
  /** The sample card setup made on each board (board id → task id), so a re-run shows it again instead of adding one. */
  firstTasks: z.record(z.string(), z.string()).optional().catch(undefined),
  /** The person removed the default agent in the Agents view: it does not come back on the next start. */
  removed: z.boolean().optional().catch(undefined),
});
export type OnboardingChoice = z.infer<typeof onboardingChoiceSchema>;

/** The onboarding row of the settings table; a hand-edited or old row falls back field by field. */
export class OnboardingRepo {
  private readonly table: SettingsTable;

  constructor(db: Database) {
    this.table = new SettingsTable(db);
  }

  get(): OnboardingChoice {
    const parsed = onboardingChoiceSchema.safeParse(this.table.read(ONBOARDING_KEY) ?? {});
    return parsed.success ? parsed.data : { status: 'pending' };
  }

  update(patch: Partial<OnboardingChoice>): OnboardingChoice {
    const next = onboardingChoiceSchema.parse({ ...this.get(), ...patch });
    this.table.write(ONBOARDING_KEY, next);
    return next;
  }
}

/** The keychain entry holding the default agent's API key. */
export function apiKeyNameFor(agentId: string): string {
  return `deckhand.agent.${agentId}.api-key`;
}

/** The provider config a chosen model stands for (the key as a keychain reference). */
export function providerFromChoice(model: ChosenModel): ProviderConfig {
  switch (model.type) {
    case 'demo':
      return { type: 'demo' };
    case 'openai':
      return {
        type: 'openai',
        base_url: model.baseUrl,
        model: model.model,
        ...(model.keyName ? { api_key: { keychain: model.keyName } } : {}),
      };
    case 'anthropic':
      return { type: 'anthropic', model: model.model, api_key: { keychain: model.keyName } };
  }
}

/** The agent's role line for a chosen model. */
export function roleForChoice(model: ChosenModel, serverName?: string): string {
  switch (model.type) {
    case 'demo':
      return 'demo (offline, no AI)';
    case 'openai':
      return `assistant (${serverName ? `${serverName}, ` : ''}${model.model})`;
    case 'anthropic':
      return `assistant (Anthropic, ${model.model})`;
  }
}

/**
 * The agent the embedded default starts with, on the built-in local board:
 * a pickup agent for tasks labelled `needs-ai`. It uses a local model when one
 * answers on localhost, and otherwise the clearly labelled offline demo, so a
 * new user sees the loop (claim, notes, review) work in the first minute.
 */
export async function embeddedAgents(options: {
  probe: boolean;
  boardId?: string;
  /** What onboarding chose: it wins over the probe, and keeps the agent's id. */
  choice?: OnboardingChoice;
}): Promise<AgentConfig[]> {
  const chosen = options.choice?.model;
  if (chosen) {
    return [
      {
        id: options.choice?.agentId ?? (chosen.type === 'demo' ? 'demo' : 'assistant'),
        role: roleForChoice(chosen),
        board: options.choice?.boardId ?? options.boardId ?? 'local',
        workflow: 'pickup',
        routes: { labels: ['needs-ai'], columns: [], exclude_labels: [] },
        provider: providerFromChoice(chosen),
        concurrency: 1,
      },
    ];
  }
  const local = options.probe ? await findLocalLlm() : undefined;
  if (local) log.info(`found ${local.name} at ${local.baseUrl} (model ${local.model}); the embedded agent uses it`);
  return [
    {
      id: local ? 'assistant' : 'demo',
      role: local ? `assistant (${local.name}, ${local.model})` : 'demo (offline, no AI)',
      board: options.choice?.boardId ?? options.boardId ?? 'local',
      workflow: 'pickup',
      routes: { labels: ['needs-ai'], columns: [], exclude_labels: [] },
      provider: local ? { type: 'openai', base_url: local.baseUrl, model: local.model } : { type: 'demo' },
      concurrency: 1,
    },
  ];
}
