import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createLogger } from '../logger';
import { BodyError, readJsonBody } from '../server/body';
import { hostAllowed, originAllowed, type GuardOptions } from '../server/request-guard';
import { SECURITY_HEADERS } from '../server/respond';
import type { McpAuth } from './auth';
import { mcpServerFor } from './tools';
import type { McpWork } from './work';

const log = createLogger('mcp');

export const MCP_PATH = '/mcp';
/** Tool calls are small; a batch of subtasks is the largest. */
const MCP_BODY_LIMIT = 1024 * 1024;

export interface McpEndpoint {
  auth: McpAuth;
  work: McpWork;
}

/** A JSON-RPC error as the MCP transport answers one (no id: the request was never read). */
function rpcError(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message }, id: null });
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(body);
}

/**
 * `POST /mcp`: MCP's Streamable HTTP, stateless (a server per request), so a
 * client keeps working across a restart of Deckhand without a new session.
 * The API's DNS-rebinding checks apply (loopback Host, no foreign Origin), then
 * the agent's own bearer token decides who is calling.
 */
export async function handleMcp(
  endpoint: McpEndpoint,
  guard: GuardOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!hostAllowed(req, guard)) return rpcError(res, 403, 'host not allowed');
  if (!originAllowed(req)) return rpcError(res, 403, 'cross-origin requests are not allowed');
  if (req.method !== 'POST') {
    // Stateless: no stream to resume and no session to end.
    return rpcError(res, 405, 'this server answers POST only (stateless Streamable HTTP)', { allow: 'POST' });
  }
  const auth = await endpoint.auth.authenticate(req);
  if (!auth.ok) return rpcError(res, auth.status, auth.message, { 'www-authenticate': 'Bearer realm="deckhand"' });
  let body: unknown;
  try {
    body = await readJsonBody(req, MCP_BODY_LIMIT);
  } catch (err) {
    if (err instanceof BodyError) return rpcError(res, err.status, err.message);
    throw err;
  }
  const server = mcpServerFor(auth.agent, endpoint.work);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  try {
    await transport.handleRequest(req, res, body);
  } catch (err) {
    log.error(`MCP request of ${auth.agent.id} failed`, err);
    if (!res.headersSent) rpcError(res, 500, 'internal error');
  }
}
