import type { Database } from 'better-sqlite3';
import { problemsFromZod, type Problem } from '../../../shared/validation';
import { agentSchema, configErrorMap, crossFieldProblems, type AgentConfig } from '../config';
import { SettingsTable } from '../store/settings-repo';

/**
 * An agent added or edited in the UI, as a config file would declare it
 * (snake_case, durations as text). Secrets are only references here
 * (`{ keychain: NAME }` or `{ env: NAME }`); their values live in the keychain.
 */
export interface SavedAgent {
  id: string;
  config: Record<string, unknown>;
}

const SETTINGS_KEY = 'agents.saved';

/** Agents saved from the UI, kept in the settings table beside the saved boards (one JSON list). */
export class SavedAgentsRepo {
  private readonly table: SettingsTable;

  constructor(db: Database) {
    this.table = new SettingsTable(db);
  }

  list(): SavedAgent[] {
    const value = this.table.read(SETTINGS_KEY);
    return Array.isArray(value) ? (value as SavedAgent[]) : [];
  }

  get(id: string): SavedAgent | undefined {
    return this.list().find((a) => a.id === id);
  }

  put(agent: SavedAgent): void {
    const next = [...this.list().filter((a) => a.id !== agent.id), agent].sort((a, b) => a.id.localeCompare(b.id));
    this.table.write(SETTINGS_KEY, next);
  }

  remove(id: string): boolean {
    const before = this.list();
    const next = before.filter((a) => a.id !== id);
    this.table.write(SETTINGS_KEY, next);
    return next.length !== before.length;
  }
}

/** The keychain entry of an MCP agent's bearer token, when Deckhand made the token. */
export function mcpTokenNameFor(agentId: string): string {
  return `deckhand.agent.${agentId}.mcp-token`;
}

/** The environment variable a server without a keychain reads an MCP agent's token from. */
export function mcpTokenEnvFor(agentId: string): string {
  return `DECKHAND_MCP_${agentId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Keychain entries that belong to this agent alone (a duplicate may reference another agent's key: that one stays). */
export function ownsKeychainEntry(agentId: string, name: string): boolean {
  return name.startsWith(`deckhand.agent.${agentId}.`);
}

/**
 * Validates one agent with the config file's own agent schema and its
 * cross-field rules (routes for pickup and breakdown, a known board, digest
 * settings only on digest agents), so the UI accepts exactly what config.yaml
 * would. Problem paths are relative to the agent (`routes`, `provider.model`).
 */
export function checkAgent(
  raw: unknown,
  boardIds: readonly string[],
): { ok: true; agent: AgentConfig } | { ok: false; problems: Problem[] } {
  const parsed = agentSchema.safeParse(raw, { error: configErrorMap });
  const cross = crossFieldProblems({ boards: boardIds.map((id) => ({ id })), agents: [raw] });
  const problems = [...(parsed.success ? [] : problemsFromZod(parsed.error)), ...cross].map((p) => ({
    ...p,
    path: p.path === '(root)' ? 'agent' : p.path.replace(/^agents\[0\]\.?/, '') || 'agent',
  }));
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  return { ok: true, agent: parsed.data };
}

const DURATION_KEYS = new Set(['timeout', 'question_timeout', 'claim_stale_after']);

/**
 * A loaded agent (durations in milliseconds) back in the form a config file
 * writes, so a config-declared agent can be shown and duplicated in the editor.
 */
export function agentToRaw(agent: AgentConfig): Record<string, unknown> {
  const convert = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(convert);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = DURATION_KEYS.has(key) && typeof v === 'number' ? `${Math.round(v / 1000)}s` : convert(v);
    }
    return out;
  };
  return convert(agent) as Record<string, unknown>;
}
