import type { McpTokenOnce } from '../../../shared/model';

/** One thing to paste, with where it goes. */
export interface McpSnippet {
  id: 'claude-http' | 'claude-stdio' | 'codex' | 'server-env';
  title: string;
  text: string;
}

/** `/mcp` on the listener the UI knows (webhooks.url), else on this page's own origin (`deckhand serve`). */
export function mcpEndpoint(listenerUrl: string | undefined, pageOrigin: string): string {
  const base = (listenerUrl ?? pageOrigin).replace(/\/+$/, '');
  return `${base}/mcp`;
}

/**
 * What docs/mcp.md tells a person to paste into Claude Code and Codex, filled in for this agent.
 * Built only while the token dialog is open; the token is in these strings and nowhere else in the renderer.
 */
export function mcpSnippets(once: McpTokenOnce, endpoint: string): McpSnippet[] {
  const snippets: McpSnippet[] = [
    {
      id: 'claude-http',
      title: 'Claude Code (HTTP)',
      text: `claude mcp add --transport http deckhand ${endpoint} \\\n  --header "Authorization: Bearer ${once.token}"`,
    },
    {
      id: 'codex',
      title: 'Codex (~/.codex/config.toml), with DECKHAND_MCP_TOKEN exported in its shell',
      text: `[mcp_servers.deckhand]\nurl = "${endpoint}"\nbearer_token_env_var = "DECKHAND_MCP_TOKEN"\n\n# in the shell that starts codex:\n# export DECKHAND_MCP_TOKEN=${once.token}`,
    },
  ];
  if ('keychain' in once.storedIn) {
    snippets.push({
      id: 'claude-stdio',
      title: 'Claude Code (stdio; reads the token from the keychain, so it sits in no client config)',
      text: `claude mcp add deckhand -- deckhand mcp --agent ${once.agentId} --keychain ${once.storedIn.keychain}`,
    });
  } else {
    snippets.unshift({
      id: 'server-env',
      title: `This server has no keychain: set ${once.storedIn.env} for deckhand serve and restart it`,
      text: `${once.storedIn.env}=${once.token}`,
    });
  }
  return snippets;
}
