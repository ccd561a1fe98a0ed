import { registerSecretValue } from '../../logger';
import { BoardError } from '../contract/errors';
import { HttpClient, parseJson, type HttpAnswer, type HttpRequest } from '../kit/http/client';
import { excerpt } from '../kit/http/excerpt';
import { allItems, pagesByCursor } from '../kit/http/pagination';

export interface TaigaClientOptions {
  /** The server's root (`https://taiga.example.com`) or its API root (`…/api/v1`). */
  url: string;
  username: string;
  password: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** The clock a token's expiry is judged by (epoch ms); tests pass the fake server's. */
  now?: () => number;
}

/**
 * Renew the access token this long before it expires, so no request meets an
 * expired one; a token that lives shorter (a server set to minutes) is renewed
 * in the last quarter of its life, or every request would renew it.
 */
const RENEW_BEFORE_MS = 5 * 60_000;
/** Taiga's largest page (taiga/base/api/pagination.py max_page_size). */
export const MAX_PAGE_SIZE = 1000;

/** Taiga's error bodies: `{_error_message}`, simple-jwt's `{detail, code}`, or a serializer's `{field: [..]}`. */
export function taigaMessage(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (typeof body._error_message === 'string') return body._error_message;
    if (typeof body.detail === 'string') return body.detail;
    return Object.entries(body)
      .map(([field, problems]) => `${field}: ${Array.isArray(problems) ? problems.join(' ') : String(problems)}`)
      .join('; ');
  } catch {
    return excerpt(text);
  }
}

/** A PATCH refused because the object changed since the version sent (taiga/projects/occ/mixins.py). */
export class StaleVersionError extends BoardError {
  constructor(what: string, said: string) {
    super('invalid', `Taiga refused ${what}: ${said}`);
  }
}

/** A 401 from an API call (not the login): the token may have been revoked or expired early. */
class TokenRefused extends BoardError {}

/** The `exp` of a JWT in epoch ms, or undefined when it cannot be read (then it is renewed on a 401 only). */
function expiryOf(jwt: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

interface Session {
  access: string;
  /** When to renew the access token (epoch ms), or undefined when its expiry is unknown: renewed on a 401 only. */
  renewAt: number | undefined;
  refresh: string | undefined;
  refreshExpiresAt: number | undefined;
}

function withToken(request: HttpRequest, session: Session): HttpRequest {
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${session.access}` } };
}

/**
 * A thin typed client for Taiga's REST API (`/api/v1`) on the kit's HTTP
 * client: a normal login to a JWT, renewed with the refresh token before it
 * expires and again after a 401, header pagination, and Taiga's error bodies.
 */
export class TaigaClient {
  readonly apiBase: string;
  private readonly http: HttpClient;
  private session: Session | undefined;
  /** The logged-in user's id, after the first login. */
  userId: number | undefined;
  private renewing: Promise<void> | undefined;

  constructor(private readonly options: TaigaClientOptions) {
    this.apiBase = `${options.url.replace(/\/+$/, '').replace(/\/api\/v1$/, '')}/api/v1`;
    this.http = new HttpClient({
      service: 'Taiga',
      baseUrl: this.apiBase,
      secrets: [options.password],
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      errorFor: (answer, what) => this.statusError(answer, what),
    });
  }

  get<T>(path: string, query?: HttpRequest['query'], what?: string): Promise<T> {
    return this.json<T>({ path, idempotent: true, ...(query ? { query } : {}), ...(what ? { what } : {}) });
  }

  post<T>(path: string, json: unknown, what: string): Promise<T> {
    return this.json<T>({ method: 'POST', path, json, what });
  }

  /** A PATCH carries the version it was based on, so Taiga refuses a second send: safe to resend after a reset. */
  patch<T>(path: string, json: unknown, what: string): Promise<T> {
    return this.json<T>({ method: 'PATCH', path, json, what, idempotent: true });
  }

  /** A comment is a PATCH too, but a second send would post it twice: never resent. */
  postComment<T>(path: string, json: unknown, what: string): Promise<T> {
    return this.json<T>({ method: 'PATCH', path, json, what });
  }

  /** Pages through `X-Pagination-Next`, the absolute URL of the next page that Taiga sends. */
  pages<T>(path: string, query: HttpRequest['query'], what: string): AsyncGenerator<T[]> {
    return pagesByCursor(async (next) => {
      const answer = await this.send(
        next ? { path: next, idempotent: true, what } : { path, query, idempotent: true, what },
      );
      const items = parseJson<unknown>(answer, 'Taiga', what);
      if (!Array.isArray(items)) throw new BoardError('transient', `Taiga's answer to ${what} is not a list`);
      return { items: items as T[], next: answer.headers.get('x-pagination-next') };
    }, what);
  }

  all<T>(path: string, query: HttpRequest['query'], what: string): Promise<T[]> {
    return allItems(this.pages<T>(path, query, what));
  }

  private async json<T>(request: HttpRequest): Promise<T> {
    const answer = await this.send(request);
    return parseJson<T>(answer, 'Taiga', request.what ?? request.path);
  }

  /**
   * Sends with a fresh token; after a 401 it logs in again once and resends.
   * Each request carries the token it was given, so a renewal under way never
   * sends one without a token, and of parallel requests refused with the same
   * token only the first drops it: the others resend with the new one.
   */
  async send(request: HttpRequest): Promise<HttpAnswer> {
    const session = await this.ensureSession();
    try {
      return await this.http.send(withToken(request, session));
    } catch (err) {
      if (!(err instanceof TokenRefused)) throw err;
      if (this.session === session) this.session = undefined;
      const renewed = await this.ensureSession();
      try {
        return await this.http.send(withToken(request, renewed));
      } catch (again) {
        if (again instanceof TokenRefused) {
          throw new BoardError('auth', `${again.message}; check that user ${this.options.username} is still active`);
        }
        throw again;
      }
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async ensureSession(): Promise<Session> {
    const now = this.now();
    const session = this.session;
    if (session && (session.renewAt === undefined || session.renewAt > now)) return session;
    // One renewal at a time: parallel requests wait for the same new token.
    this.renewing ??= this.renew(session, now).finally(() => {
      this.renewing = undefined;
    });
    await this.renewing;
    return this.session!;
  }

  private async renew(session: Session | undefined, now: number): Promise<void> {
    if (session?.refresh && (session.refreshExpiresAt === undefined || session.refreshExpiresAt > now + 60_000)) {
      try {
        const tokens = await this.authCall<{ auth_token: string; refresh: string }>(
          'auth/refresh',
          { refresh: session.refresh },
          'renew the login',
        );
        this.session = this.sessionOf(tokens.auth_token, tokens.refresh);
        return;
      } catch (err) {
        // A refresh token that was revoked or rotated elsewhere: log in again with the password.
        if (!(err instanceof BoardError) || err.kind !== 'auth') throw err;
      }
    }
    const login = await this.authCall<{ auth_token: string; refresh?: string; id?: number }>(
      'auth',
      { type: 'normal', username: this.options.username, password: this.options.password },
      `log in as ${this.options.username}`,
    );
    if (typeof login.auth_token !== 'string')
      throw new BoardError('transient', 'Taiga answered the login without a token');
    if (typeof login.id === 'number') this.userId = login.id;
    this.session = this.sessionOf(login.auth_token, login.refresh);
  }

  private sessionOf(access: string, refresh: string | undefined): Session {
    // Tokens are as secret as the password: never in a log line.
    registerSecretValue(access);
    if (refresh) registerSecretValue(refresh);
    const expiresAt = expiryOf(access);
    const lifetime = expiresAt === undefined ? 0 : expiresAt - this.now();
    return {
      access,
      // A token that looks expired already (the server's clock behind ours) is used until a 401.
      renewAt: lifetime > 0 ? expiresAt! - Math.min(RENEW_BEFORE_MS, lifetime / 4) : undefined,
      refresh,
      refreshExpiresAt: refresh ? expiryOf(refresh) : undefined,
    };
  }

  /** Login and refresh are sent without the old token (Taiga authenticates every request, /auth included). */
  private async authCall<T>(path: string, json: unknown, what: string): Promise<T> {
    try {
      return await this.http.json<T>({ method: 'POST', path, json, what, idempotent: true });
    } catch (err) {
      if (err instanceof TokenRefused) {
        const hint = path === 'auth' ? `; check the username and password for ${this.options.username}` : '';
        throw new BoardError('auth', `${err.message}${hint}`);
      }
      throw err;
    }
  }

  /** Taiga's own words for a refusal, with what to check. */
  private statusError(answer: HttpAnswer, what: string): BoardError | undefined {
    const said = taigaMessage(answer.text);
    if (answer.status === 401) return new TokenRefused('auth', `Taiga refused ${what} (HTTP 401: ${said})`);
    if (answer.status === 403) {
      return new BoardError(
        'auth',
        `Taiga denied ${what} (HTTP 403: ${said}); check that ${this.options.username} is a member of the project with the right to edit user stories`,
      );
    }
    if (answer.status === 400) {
      if (/"version"\s*:/.test(answer.text) && /doesn't match/.test(said)) return new StaleVersionError(what, said);
      return new BoardError('invalid', `Taiga refused ${what}: ${said}`);
    }
    if (answer.status === 404 && /^\s*[{[]/.test(answer.text)) {
      return new BoardError('not_found', `Taiga has no ${answer.where.replace(/^.*\/api\/v1/, '')} (${said})`);
    }
    if (answer.status === 404) {
      return new BoardError(
        'invalid',
        `Taiga answered 404 with a page, not the API, at ${answer.where}: check the Taiga URL (the server's root, e.g. https://taiga.example.com)`,
      );
    }
    return undefined;
  }
}
