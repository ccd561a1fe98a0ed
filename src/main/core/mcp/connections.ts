import type { McpConnection } from '../../../shared/model';

/** Streamable HTTP keeps no connection open between calls: a client heard from this recently counts as connected. */
export const CONNECTED_WINDOW_MS = 5 * 60_000;

/** The last call of each MCP agent's client, in memory (the sync log keeps every call for good). */
export class McpConnections {
  private readonly seen = new Map<string, { at: number; tool: string; calls: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  called(agentId: string, tool: string): void {
    const before = this.seen.get(agentId);
    this.seen.set(agentId, { at: this.now(), tool, calls: (before?.calls ?? 0) + 1 });
  }

  describe(agentId: string): McpConnection {
    const seen = this.seen.get(agentId);
    if (!seen) return { connected: false, calls: 0 };
    return {
      connected: this.now() - seen.at < CONNECTED_WINDOW_MS,
      lastCallAt: new Date(seen.at).toISOString(),
      lastTool: seen.tool,
      calls: seen.calls,
    };
  }
}
