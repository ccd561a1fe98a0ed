import type { CallInput, CallName, CallOutput, CallResult } from '../../shared/contract';
import { ApiError } from '../../shared/contract';

export const DEFAULT_URL = 'http://127.0.0.1:7717';

export class ServerUnreachableError extends Error {
  constructor(url: string, cause: string) {
    super(`No Deckhand server answers at ${url} (${cause}). Start one with: deckhand serve`);
    this.name = 'ServerUnreachableError';
  }
}

/** Calls a running `deckhand serve` over its HTTP transport. */
export async function callRemote<N extends CallName>(
  baseUrl: string,
  name: N,
  input: CallInput<N>,
): Promise<CallOutput<N>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (process.env.DECKHAND_API_TOKEN) headers.authorization = `Bearer ${process.env.DECKHAND_API_TOKEN}`;
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/api/call/${name}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new ServerUnreachableError(baseUrl, cause);
  }
  let body: CallResult<CallOutput<N>>;
  try {
    body = (await response.json()) as CallResult<CallOutput<N>>;
  } catch {
    throw new Error(`${baseUrl} answered HTTP ${response.status} with something that is not Deckhand JSON`);
  }
  if (!body.ok) throw new ApiError(body.error);
  return body.value;
}
