import { BoardError } from '../contract/errors';
import { HttpClient, type HttpAnswer, type HttpRequest } from '../kit/http/client';
import { excerpt } from '../kit/http/excerpt';
import { allItems, pagesByCursor } from '../kit/http/pagination';

/** Plane Cloud's API; a self-hosted Plane is `https://<host>` (the client adds `/api/v1`). */
export const PLANE_CLOUD_URL = 'https://api.plane.so';

export interface PlaneClientOptions {
  url: string;
  workspace: string;
  token: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Plane's list envelope (utils/paginator.py). */
export interface PlanePage<T> {
  results: T[];
  next_cursor: string;
  next_page_results: boolean;
}

/** Plane's error bodies: `{"error": …}`, DRF's `{"detail": …}`, or a serializer's `{"field": ["…"]}`. */
function planeMessage(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (typeof body.error === 'string') return body.error;
    if (typeof body.detail === 'string') return body.detail;
    if (typeof body.error_message === 'string') return body.error_message;
    return Object.entries(body)
      .map(([field, problems]) => `${field}: ${Array.isArray(problems) ? problems.join(' ') : String(problems)}`)
      .join('; ');
  } catch {
    return excerpt(text);
  }
}

/**
 * A thin typed client for Plane's REST API v1 (`X-API-Key`), on the kit's
 * HTTP client. Paths are relative to the workspace.
 */
export class PlaneClient {
  private readonly http: HttpClient;
  readonly apiBase: string;

  constructor(private readonly options: PlaneClientOptions) {
    this.apiBase = `${options.url.replace(/\/+$/, '').replace(/\/api\/v1$/, '')}/api/v1`;
    this.http = new HttpClient({
      service: 'Plane',
      baseUrl: `${this.apiBase}/workspaces/${encodeURIComponent(options.workspace)}`,
      headers: () => ({ 'x-api-key': options.token }),
      secrets: [options.token],
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      errorFor: (answer, what) => this.statusError(answer, what),
    });
  }

  get<T>(path: string, query?: HttpRequest['query'], what?: string): Promise<T> {
    return this.http.json<T>({ path, idempotent: true, ...(query ? { query } : {}), ...(what ? { what } : {}) });
  }

  post<T>(path: string, json: unknown, what: string): Promise<T> {
    return this.http.json<T>({ method: 'POST', path, json, what });
  }

  patch<T>(path: string, json: unknown, what: string): Promise<T> {
    // A PATCH sets values: sending it twice leaves the same result.
    return this.http.json<T>({ method: 'PATCH', path, json, what, idempotent: true });
  }

  /** Pages of a list, newest first or as ordered, through Plane's `per_page:page:is_prev` cursors. */
  pages<T>(path: string, query: HttpRequest['query'], what: string): AsyncGenerator<T[]> {
    return pagesByCursor(async (cursor) => {
      const page = await this.get<PlanePage<T>>(path, { ...query, ...(cursor ? { cursor } : {}) }, what);
      if (!page || !Array.isArray(page.results)) {
        throw new BoardError('transient', `Plane's answer to ${what} is not a list page`);
      }
      return { items: page.results, next: page.next_page_results ? page.next_cursor : null };
    }, what);
  }

  all<T>(path: string, query: HttpRequest['query'], what: string): Promise<T[]> {
    return allItems(this.pages<T>(path, query, what));
  }

  /** Plane's own words for a refusal, with what to check. */
  private statusError(answer: HttpAnswer, what: string): BoardError | undefined {
    const said = planeMessage(answer.text);
    if (answer.status === 401 || answer.status === 403) {
      const hint =
        answer.status === 401
          ? 'no API key reached Plane'
          : 'check the API key (Profile settings > Personal access tokens) and that its user is a member of the project';
      return new BoardError('auth', `Plane refused ${what} (HTTP ${answer.status}: ${said}); ${hint}`);
    }
    if (answer.status === 409) return new DuplicateError(what, said, answer.text);
    if (answer.status === 400) return new BoardError('invalid', `Plane refused ${what}: ${said}`);
    if (answer.status === 404) {
      return new BoardError('not_found', `Plane has no ${answer.where.replace(/^.*\/api\/v1/, '')} (${said})`);
    }
    return undefined;
  }
}

/** A create refused because its external id exists: the id of the item that has it. */
export class DuplicateError extends BoardError {
  readonly existingId: string | undefined;
  constructor(what: string, said: string, text: string) {
    super('invalid', `Plane refused ${what}: ${said}`);
    let id: unknown;
    try {
      id = (JSON.parse(text) as { id?: unknown }).id;
    } catch {
      id = undefined;
    }
    this.existingId = typeof id === 'string' ? id : undefined;
  }
}
