import type { IncomingMessage } from 'node:http';
import { constantTimeEqual } from '../boards/kit/webhooks/verify';
import type { AgentConfig } from '../config';
import { createLogger, registerSecretValue } from '../logger';
import { resolveSecret, type SecretBackends } from '../secrets/resolve';

const log = createLogger('mcp');

/** A token read from the keychain is kept this long, so a call does not cost a keychain round trip. */
const TOKEN_CACHE_MS = 30_000;

/** The header a client (the stdio bridge, say) names its agent with; the token must then be that agent's. */
export const AGENT_HEADER = 'x-deckhand-agent';

export type AuthResult = { ok: true; agent: AgentConfig } | { ok: false; status: 401; message: string };

/**
 * Each MCP agent authenticates with its own bearer token, referenced in its
 * config like every secret. A token identifies exactly one agent; a request that
 * names an agent must carry that agent's token, not another's.
 */
export class McpAuth {
  private readonly cache = new Map<string, { value: string | undefined; at: number }>();

  constructor(
    private readonly agents: () => readonly AgentConfig[],
    private readonly secrets: SecretBackends,
  ) {}

  async authenticate(req: IncomingMessage): Promise<AuthResult> {
    const auth = req.headers.authorization;
    if (!auth?.startsWith('Bearer ') || auth.length <= 7) {
      return { ok: false, status: 401, message: 'missing bearer token: send Authorization: Bearer <agent token>' };
    }
    const presented = auth.slice(7).trim();
    const named = req.headers[AGENT_HEADER];
    const wanted = typeof named === 'string' ? named : undefined;
    const candidates = this.agents().filter((a) => a.provider.type === 'mcp');
    let match: AgentConfig | undefined;
    // Every candidate is compared, so the time taken does not tell which agent's token came close.
    for (const agent of candidates) {
      const token = await this.tokenOf(agent);
      if (token !== undefined && constantTimeEqual(presented, token)) match = agent;
    }
    if (!match) return { ok: false, status: 401, message: 'wrong token: it belongs to no MCP agent here' };
    if (wanted !== undefined && wanted !== match.id) {
      return { ok: false, status: 401, message: `this token is not agent ${wanted}'s` };
    }
    return { ok: true, agent: match };
  }

  /** Drops a cached token (rotated, or its agent removed), so the next call reads the new one. */
  forget(agentId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${agentId}\0`)) this.cache.delete(key);
  }

  private async tokenOf(agent: AgentConfig): Promise<string | undefined> {
    if (agent.provider.type !== 'mcp') return undefined;
    const key = `${agent.id}\0${JSON.stringify(agent.provider.token)}`;
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < TOKEN_CACHE_MS) return cached.value;
    let value: string | undefined;
    try {
      value = await resolveSecret(agent.provider.token, this.secrets);
      registerSecretValue(value);
    } catch (err) {
      log.warn(`MCP agent ${agent.id} has no usable token: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.cache.set(key, { value, at: Date.now() });
    return value;
  }
}
