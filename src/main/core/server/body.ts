import type { IncomingMessage } from 'node:http';

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/** Reads the raw body, refusing anything over `limit` bytes without buffering it all. */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new BodyError(413, `request body is ${declared} bytes; the limit is ${limit}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyError(413, `request body exceeds the limit of ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads a JSON body. An empty body is `{}`, so calls without input need no body. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const raw = await readRawBody(req, limit);
  if (raw.length === 0) return {};
  // Requiring application/json means a cross-site form post cannot reach a handler without a CORS preflight.
  if (type !== 'application/json') {
    throw new BodyError(415, `content-type must be application/json (got "${type || 'none'}")`);
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new BodyError(400, `body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}
