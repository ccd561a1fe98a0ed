import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted OpenAI-compatible server on loopback, speaking the real wire
 * format: POST /v1/chat/completions (JSON, or SSE chunks when `stream: true`,
 * with usage when `stream_options.include_usage`), `response_format`
 * json_schema structured output, usage tokens, errors with the OpenAI error
 * body, and 429 with Retry-After. GET /v1/models lists the model (what the
 * embedded default probes). Tests script replies one by one or with a handler.
 */

export interface ChatMessage {
  role: string;
  content: string | { type: string; text?: string }[];
}

export interface FakeLlmRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  includeUsage: boolean;
  /** The json_schema asked for, when structured output was requested. */
  schema: unknown;
  responseFormat: unknown;
  headers: IncomingMessage['headers'];
  /** Every message's text, joined: what tests search for task text in. */
  text: string;
}

export interface FakeLlmReply {
  /** Assistant text; objects are sent as their JSON text (what a structured answer looks like). */
  content?: string | object;
  /** An HTTP error instead of an answer. */
  status?: number;
  retryAfter?: string;
  errorMessage?: string;
  /** Wait before answering (to trip timeouts, or to hold a run mid-call). */
  delayMs?: number;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

export type FakeLlmHandler = (request: FakeLlmRequest) => FakeLlmReply | Promise<FakeLlmReply>;

export interface FakeLlm {
  /** Base URL for an openai provider: `http://127.0.0.1:<port>/v1`. */
  url: string;
  requests: FakeLlmRequest[];
  /** Replies used in order before the handler. */
  enqueue(...replies: FakeLlmReply[]): void;
  setHandler(handler: FakeLlmHandler): void;
  close(): Promise<void>;
}

/** The default: a structured answer when asked for one, else plain notes, naming the task's first line. */
export const defaultHandler: FakeLlmHandler = (request) => {
  const user = request.messages.filter((m) => m.role === 'user').map(textOf);
  const first = (user[0] ?? '').split('\n').find((l) => l.trim()) ?? 'the task';
  const notes = `Fake model notes for: ${first.trim()}`;
  return { content: request.schema ? { notes, question: null, subtasks: null } : notes };
};

function textOf(message: ChatMessage): string {
  return typeof message.content === 'string'
    ? message.content
    : message.content.map((part) => part.text ?? '').join('');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export async function startFakeLlm(options: { model?: string; handler?: FakeLlmHandler } = {}): Promise<FakeLlm> {
  const model = options.model ?? 'fake-model';
  const queue: FakeLlmReply[] = [];
  let handler = options.handler ?? defaultHandler;
  const requests: FakeLlmRequest[] = [];
  let counter = 0;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/v1/models') {
        return sendJson(res, 200, { object: 'list', data: [{ id: model, object: 'model', owned_by: 'fake' }] });
      }
      if (req.method !== 'POST' || url.pathname !== '/v1/chat/completions') {
        return sendJson(res, 404, {
          error: { message: `no route ${req.method} ${url.pathname}`, type: 'invalid_request_error' },
        });
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(await readBody(req)) as Record<string, unknown>;
      } catch {
        return sendJson(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
      }
      const messages = (body.messages ?? []) as ChatMessage[];
      const responseFormat = body.response_format as { type?: string; json_schema?: { schema?: unknown } } | undefined;
      const request: FakeLlmRequest = {
        model: String(body.model),
        messages,
        stream: body.stream === true,
        includeUsage: (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true,
        schema: responseFormat?.type === 'json_schema' ? responseFormat.json_schema?.schema : undefined,
        responseFormat,
        headers: req.headers,
        text: messages.map(textOf).join('\n'),
      };
      requests.push(request);
      const reply = queue.shift() ?? (await handler(request));
      if (reply.delayMs) await sleep(reply.delayMs);
      if (reply.status && reply.status >= 400) {
        const type = reply.status === 429 ? 'rate_limit_error' : 'server_error';
        return sendJson(
          res,
          reply.status,
          { error: { message: reply.errorMessage ?? `scripted ${reply.status}`, type, code: type } },
          reply.retryAfter ? { 'retry-after': reply.retryAfter } : {},
        );
      }
      const content =
        typeof reply.content === 'string' ? reply.content : JSON.stringify(reply.content ?? { notes: 'ok' });
      const usage = reply.usage ?? {
        prompt_tokens: estimateTokens(request.text),
        completion_tokens: estimateTokens(content),
      };
      const fullUsage = { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
      const id = `chatcmpl-${++counter}`;
      const created = Math.floor(Date.now() / 1000);
      if (!request.stream) {
        return sendJson(res, 200, {
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: fullUsage,
        });
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): void => {
        res.write(
          `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`,
        );
      };
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
      // A few pieces, split mid-word, the way real servers stream tokens.
      const size = Math.max(1, Math.ceil(content.length / 4));
      for (let i = 0; i < content.length; i += size) {
        chunk([{ index: 0, delta: { content: content.slice(i, i + size) }, finish_reason: null }]);
      }
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]);
      if (request.includeUsage) chunk([], { usage: fullUsage });
      res.write('data: [DONE]\n\n');
      res.end();
    })().catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(err), type: 'server_error' } });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    setHandler: (next) => {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
