import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { isJSONRPCRequest, isJSONRPCResultResponse, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { KeychainSecretStore } from '../core/secrets/keychain-store';
import { parse, UsageError } from './args';
import { DEFAULT_URL } from './remote';

/** The header the endpoint checks the token against (see core/mcp/auth.ts). */
const AGENT_HEADER = 'x-deckhand-agent';

async function agentToken(keychainName: string | undefined): Promise<string> {
  if (keychainName) {
    const value = await new KeychainSecretStore().get(keychainName);
    if (!value)
      throw new UsageError(`keychain entry "${keychainName}" is not set; run: deckhand secrets set ${keychainName}`);
    return value;
  }
  const fromEnv = process.env.DECKHAND_MCP_TOKEN;
  if (fromEnv) return fromEnv;
  throw new UsageError("the agent's token is needed: set DECKHAND_MCP_TOKEN, or pass --keychain NAME");
}

/**
 * `deckhand mcp --agent ID [--url URL]`: MCP over stdio for clients that only
 * speak stdio, relayed message by message to the running Deckhand's `/mcp`.
 * It holds no state and never opens the database: one process owns that.
 */
export async function mcpCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    agent: { type: 'string' },
    url: { type: 'string', default: process.env.DECKHAND_URL ?? DEFAULT_URL },
    keychain: { type: 'string' },
  });
  if (!values.agent) throw new UsageError('--agent ID is required (the MCP agent declared in the config)');
  const token = await agentToken(values.keychain);
  const endpoint = new URL('/mcp', values.url);

  const stdio = new StdioServerTransport();
  const http = new StreamableHTTPClientTransport(endpoint, {
    requestInit: { headers: { authorization: `Bearer ${token}`, [AGENT_HEADER]: values.agent } },
  });
  const initializeIds = new Set<string | number>();

  http.onmessage = (message: JSONRPCMessage) => {
    // The relay reads the negotiated version off the initialize answer, as a client would.
    if (isJSONRPCResultResponse(message) && initializeIds.delete(message.id)) {
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') http.setProtocolVersion(version);
    }
    void stdio.send(message);
  };
  http.onerror = (err) => process.stderr.write(`deckhand mcp: ${err.message}\n`);

  stdio.onmessage = (message: JSONRPCMessage) => {
    if (isJSONRPCRequest(message) && message.method === 'initialize') initializeIds.add(message.id);
    http.send(message).catch((err: unknown) => {
      const why = err instanceof Error ? err.message : String(err);
      process.stderr.write(`deckhand mcp: ${endpoint.href}: ${why}\n`);
      // A request must be answered, or the client waits for ever: say Deckhand could not be reached.
      if (isJSONRPCRequest(message)) {
        void stdio.send({
          jsonrpc: '2.0',
          id: message.id,
          error: {
            code: -32000,
            message: `Deckhand at ${values.url} did not answer (${why}); is deckhand serve running?`,
          },
        });
      }
    });
  };

  await http.start();
  await stdio.start();
  return new Promise<number>((done) => {
    const stop = (): void => {
      void http.close();
      void stdio.close();
      done(0);
    };
    process.stdin.once('end', stop);
    process.stdin.once('close', stop);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
