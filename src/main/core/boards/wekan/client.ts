import { registerSecretValue } from '../../logger';
import { BoardError } from '../contract/errors';
import { HttpClient, type HttpAnswer, type HttpRequest } from '../kit/http/client';
import { excerpt } from '../kit/http/excerpt';

export interface WekanClientOptions {
  /** The server's root (`https://wekan.example.com`). */
  url: string;
  username: string;
  password: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** A 401 (or a Meteor "Unauthorized" error object) on an API call: the login token was revoked or expired. */
class TokenRefused extends BoardError {}

/**
 * A Meteor.Error serialised into a body, as many WeKan handlers answer a
 * failure: `sendJsonResult(res, { code: 200, data: error })` sends HTTP 200
 * with `{error, reason, message, errorType: "Meteor.Error", statusCode?}`
 * (server/models/boards.js, lists.js, users.js). The status of such an answer
 * says nothing; the body does.
 */
interface MeteorErrorBody {
  error?: unknown;
  reason?: unknown;
  message?: unknown;
  errorType?: unknown;
  statusCode?: unknown;
}

export function isMeteorError(body: unknown): body is MeteorErrorBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const b = body as MeteorErrorBody;
  return b.errorType === 'Meteor.Error';
}

/** WeKan's words in an error body: `{error}`, `{error, reason}`, `{message}` or a Meteor.Error. */
export function wekanMessage(text: string): string {
  try {
    const body = JSON.parse(text) as MeteorErrorBody;
    const said = [body.reason, body.error, body.message].find((v) => typeof v === 'string' && v !== '');
    return typeof said === 'string' ? said : excerpt(text);
  } catch {
    return excerpt(text);
  }
}

/**
 * A thin client for WeKan's REST API (Meteor WebApp handlers): `POST
 * /users/login` for a login token, `Authorization: Bearer` on every call, a
 * new login after a 401, and WeKan's habit of answering failures with HTTP
 * 200 and an error object, which is read as the failure it is.
 */
export class WekanClient {
  readonly baseUrl: string;
  private readonly http: HttpClient;
  private token: string | undefined;
  private renewing: Promise<string> | undefined;
  /** The logged-in user's id, after the first login. */
  userId: string | undefined;

  constructor(private readonly options: WekanClientOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.http = new HttpClient({
      service: 'WeKan',
      baseUrl: this.baseUrl,
      secrets: [options.password],
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      errorFor: (answer, what) => this.statusError(answer, what),
    });
  }

  get<T>(path: string, what: string): Promise<T> {
    return this.json<T>({ path, idempotent: true, what });
  }

  /** A PUT of field values: sending it twice leaves the same card, so it may be resent after a reset. */
  put<T>(path: string, json: unknown, what: string): Promise<{ body: T; text: string }> {
    return this.jsonWithText<T>({ method: 'PUT', path, json, what, idempotent: true });
  }

  /** A POST creates something: never resent on its own (the engine looks for the marker first). */
  post<T>(path: string, json: unknown, what: string): Promise<{ body: T; text: string }> {
    return this.jsonWithText<T>({ method: 'POST', path, json, what });
  }

  delete(path: string, what: string): Promise<unknown> {
    return this.json({ method: 'DELETE', path, what, idempotent: true });
  }

  private async json<T>(request: HttpRequest): Promise<T> {
    return (await this.jsonWithText<T>(request)).body;
  }

  /** The parsed body and its raw text (a verified write logs the board's own answer). */
  private async jsonWithText<T>(request: HttpRequest): Promise<{ body: T; text: string }> {
    const answer = await this.send(request);
    const what = request.what ?? request.path;
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      throw new BoardError(
        'transient',
        `WeKan's answer to ${what} was not JSON (a proxy error page or a server crash?): ${excerpt(answer.text)}`,
      );
    }
    if (isMeteorError(body)) throw this.meteorError(body, what);
    return { body: body as T, text: answer.text };
  }

  /** A Meteor.Error in a 200: its `statusCode` (when the Authentication helpers set one) or its name says what failed. */
  private meteorError(body: MeteorErrorBody, what: string): BoardError {
    const said = wekanMessage(JSON.stringify(body));
    const status = typeof body.statusCode === 'number' ? body.statusCode : undefined;
    const name = typeof body.error === 'string' ? body.error : '';
    if (status === 401 || name === 'Unauthorized') {
      return new TokenRefused('auth', `WeKan refused ${what} (HTTP 200 with "${said}")`);
    }
    if (status === 403 || name === 'Forbidden') {
      return new BoardError(
        'auth',
        `WeKan denied ${what} ("${said}"); check that ${this.options.username} is an active member of the board with write access`,
      );
    }
    if (status === 404 || name === 'NotFound') return new BoardError('not_found', `WeKan: ${said} (${what})`);
    return new BoardError('invalid', `WeKan refused ${what}: ${said}`);
  }

  /** Sends with the login token; after a 401 it logs in again once and resends. */
  async send(request: HttpRequest): Promise<HttpAnswer> {
    const token = await this.ensureToken();
    try {
      return await this.sendChecked(request, token);
    } catch (err) {
      if (!(err instanceof TokenRefused)) throw err;
      if (this.token === token) this.token = undefined;
      const renewed = await this.ensureToken();
      try {
        return await this.sendChecked(request, renewed);
      } catch (again) {
        if (again instanceof TokenRefused) {
          throw new BoardError('auth', `${again.message}; check that user ${this.options.username} can still log in`);
        }
        throw again;
      }
    }
  }

  /** A 200 carrying a Meteor "Unauthorized" must trigger the new login too, so it is read here. */
  private async sendChecked(request: HttpRequest, token: string): Promise<HttpAnswer> {
    const answer = await this.http.send({
      ...request,
      headers: { ...request.headers, authorization: `Bearer ${token}` },
    });
    if (answer.text.includes('Meteor.Error')) {
      try {
        const body = JSON.parse(answer.text) as unknown;
        if (isMeteorError(body)) {
          const err = this.meteorError(body, request.what ?? request.path);
          if (err instanceof TokenRefused) throw err;
        }
      } catch (err) {
        if (err instanceof TokenRefused) throw err;
      }
    }
    return answer;
  }

  private async ensureToken(): Promise<string> {
    if (this.token) return this.token;
    this.renewing ??= this.login().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  /** `POST /users/login` (server/apiAuthRoutes.js): `{id, token, tokenExpires}`, or 401 `{error, reason}`. */
  private async login(): Promise<string> {
    let login: { id?: unknown; token?: unknown };
    try {
      login = await this.http.json<{ id?: unknown; token?: unknown }>({
        method: 'POST',
        path: 'users/login',
        json: { username: this.options.username, password: this.options.password },
        what: `log in as ${this.options.username}`,
        idempotent: true,
      });
    } catch (err) {
      if (err instanceof TokenRefused) {
        throw new BoardError('auth', `${err.message}; check the username and password for ${this.options.username}`);
      }
      throw err;
    }
    if (typeof login.token !== 'string' || login.token === '') {
      throw new BoardError('transient', 'WeKan answered the login without a token');
    }
    // The token is as secret as the password: never in a log line.
    registerSecretValue(login.token);
    if (typeof login.id === 'string') this.userId = login.id;
    this.token = login.token;
    return login.token;
  }

  /** WeKan's own words for a refusal, with what to check. */
  private statusError(answer: HttpAnswer, what: string): BoardError | undefined {
    const said = wekanMessage(answer.text);
    if (answer.status === 401) return new TokenRefused('auth', `WeKan refused ${what} (HTTP 401: ${said})`);
    if (answer.status === 403 && /API is disabled/i.test(answer.text)) {
      return new BoardError('auth', `WeKan's REST API is off (HTTP 403): start WeKan with WITH_API=true`);
    }
    if (answer.status === 403) {
      return new BoardError(
        'auth',
        `WeKan denied ${what} (HTTP 403: ${said}); check that ${this.options.username} is an active board member with the right for it`,
      );
    }
    if (answer.status === 404 && /^\s*[{[]/.test(answer.text)) {
      return new BoardError('not_found', `WeKan: ${said} (${what})`);
    }
    if (answer.status === 404) {
      return new BoardError(
        'invalid',
        `WeKan answered 404 with a page, not the API, at ${answer.where}: check the WeKan URL (the server's root)`,
      );
    }
    if (answer.status === 400) return new BoardError('invalid', `WeKan refused ${what}: ${said}`);
    return undefined;
  }
}
