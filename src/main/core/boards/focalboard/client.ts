import { BoardError } from '../contract/errors';
import { HttpClient, type HttpAnswer, type HttpRequest } from '../kit/http/client';
import { excerpt } from '../kit/http/excerpt';

export interface FocalboardClientOptions {
  /** The server's root (`http://localhost:8000`); `/api/v2` is added here. */
  url: string;
  /** A session token (Settings of a logged-in browser, or `POST /api/v2/login`), or the single-user token. */
  token: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Focalboard's error body (server/model/error.go, api.go errorResponse): `{"error": "...", "errorCode": 401}`. */
export function focalboardMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    return typeof body.error === 'string' && body.error !== '' ? body.error : excerpt(text);
  } catch {
    return excerpt(text);
  }
}

const isJson = (text: string): boolean => /^\s*[{[]/.test(text);

/**
 * A thin typed client for Focalboard's REST API v2 (server/api/*.go): the
 * session token as `Authorization: Bearer`, and `X-Requested-With:
 * XMLHttpRequest` on every call, since the API's CSRF check
 * (api.go requireCSRFToken) answers 400 "checkCSRFToken FAILED" without it.
 */
export class FocalboardClient {
  readonly baseUrl: string;
  private readonly http: HttpClient;

  constructor(options: FocalboardClientOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.http = new HttpClient({
      service: 'Focalboard',
      baseUrl: `${this.baseUrl}/api/v2`,
      secrets: [options.token],
      headers: () => ({ authorization: `Bearer ${options.token}`, 'x-requested-with': 'XMLHttpRequest' }),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      errorFor: (answer, what) => statusError(answer, what),
    });
  }

  get<T>(path: string, what: string, query?: HttpRequest['query']): Promise<T> {
    return this.http.json<T>({ path, what, idempotent: true, ...(query ? { query } : {}) });
  }

  /** PATCH sets values: sending it twice leaves the same block. */
  patch<T>(path: string, json: unknown, what: string): Promise<T> {
    return this.http.json<T>({ method: 'PATCH', path, json, what, idempotent: true });
  }

  /**
   * `POST /boards/{id}/blocks` upserts by id (sqlstore insertBlock updates a
   * block whose id exists) and Deckhand chooses the ids, so even a duplicate
   * send writes the same block, not a second one. It is still not resent
   * here: a create whose answer was lost is the engine's to retry, after it
   * has looked for the marker (a resend would overwrite edits made meanwhile).
   */
  insert<T>(path: string, json: unknown, what: string): Promise<T> {
    return this.http.json<T>({ method: 'POST', path, json, what });
  }

  delete(path: string, what: string): Promise<unknown> {
    return this.http.json({ method: 'DELETE', path, what, idempotent: true });
  }
}

function statusError(answer: HttpAnswer, what: string): BoardError | undefined {
  const said = focalboardMessage(answer.text);
  if (answer.status === 400 && /checkCSRFToken/i.test(answer.text)) {
    return new BoardError(
      'invalid',
      `Focalboard refused ${what} for a missing X-Requested-With header (HTTP 400: ${said}); a proxy in between may strip it`,
    );
  }
  if (answer.status === 401) {
    return new BoardError(
      'auth',
      `Focalboard refused the session token (HTTP 401: ${said}) for ${what}; log in again and store the new token (see docs/boards/focalboard.md)`,
    );
  }
  if (answer.status === 403) {
    return new BoardError(
      'auth',
      `Focalboard denied ${what} (HTTP 403: ${said}); the token's user must be an editor of the board`,
    );
  }
  if (answer.status === 404 && isJson(answer.text)) return new BoardError('not_found', `Focalboard: ${said} (${what})`);
  if (answer.status === 404) {
    return new BoardError(
      'invalid',
      `Focalboard answered 404 with a page, not the API, at ${answer.where}: check the URL (the server's root)`,
    );
  }
  if (answer.status === 400) return new BoardError('invalid', `Focalboard refused ${what}: ${said}`);
  return undefined;
}
