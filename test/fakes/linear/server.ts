/**
 * A fake Linear (GraphQL API) for tests and benchmarks: real HTTP on
 * 127.0.0.1, `POST /graphql`, each document parsed and validated against the
 * part of Linear's published schema the fake serves (schema.graphql, taken
 * from linear/linear@8335e09a packages/sdk/src/schema.graphql by
 * extract-schema.ts), so an unknown field or argument is refused as the real
 * API refuses it, then executed by graphql-js over an in-memory workspace.
 *
 * Where each behaviour comes from:
 * - Auth: `Authorization: <personal API key>` or `Bearer <token>` (packages/sdk/src/client.ts
 *   parseClientOptions). A missing or wrong key is HTTP 400 with an AUTHENTICATION_ERROR GraphQL
 *   error (extensions.type "authentication error", which the SDK's error.ts maps to
 *   AuthenticationLinearError) [status and words inferred from SDK users' reports].
 * - Errors: `{"errors":[{"message","locations","path","extensions":{"type","code","statusCode",
 *   "userError","userPresentableMessage"}}],"data":null}`; the `type` strings are the ones
 *   packages/sdk/src/error.ts knows ("invalid input", "ratelimited", "authentication error", ...).
 *   Validation failures: HTTP 400, code GRAPHQL_VALIDATION_FAILED. Resolver errors (an unknown id is
 *   "Entity not found: Issue"): HTTP 400 when no data came back, else 200 with `errors` [inferred].
 * - Rate limits (linear.app/developers/rate-limiting): two leaky buckets per key, requests (5,000 an
 *   hour) and complexity points (250,000 an hour), every answer with `X-RateLimit-Requests-Limit/
 *   -Remaining/-Reset`, `X-RateLimit-Complexity-Limit/-Remaining/-Reset` (reset in epoch ms) and
 *   `X-Complexity`; a query over 10,000 points is refused. A limited request is HTTP 400 with
 *   extensions.code RATELIMITED and statusCode 429 (as reported in vanillagreencom/kendex#1018),
 *   not a 429. Complexity is worked out from the document (complexity.ts).
 * - Idempotent creates: `issueCreate`/`commentCreate` take a client UUID `id`; a second create with
 *   an existing id is refused (INVALID_INPUT) [the exact message is inferred].
 * - Webhooks (packages/sdk/src/webhooks/client.ts, docs/Webhooks.md): POSTed after the answer with
 *   `Linear-Signature` (hex HMAC-SHA256 of the raw body with the webhook's secret), `Linear-Delivery`
 *   (a UUID), `Linear-Event` (the resource type), and a body `{action, type, data, updatedFrom, url,
 *   actor, createdAt, organizationId, webhookId, webhookTimestamp}`. One attempt, no retries.
 * - Markdown: stored as Linear prints it back (markdown.ts).
 * - Deleting moves an issue to the trash: archived, out of `issues` unless `includeArchived`.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type GraphQLError,
  Kind,
  execute,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { complexityOf } from './complexity';
import { Graph, linearSchema } from './graph';
import { HumanActions } from './human';
import { DEFAULT_STATES, LinearStore, type Change, type StateSeed, type TeamRow, type UserRow } from './store';
import { takeFault } from '../faults';

export interface FaultRequest {
  /** The operation's name (`DeckhandIssues`), or '' for an anonymous one. */
  operationName: string;
  /** The first root field (`issues`, `issueCreate`). */
  rootField: string;
  body: string;
}

export interface Fault {
  when?: (request: FaultRequest) => boolean;
  times?: number;
  delayMs?: number;
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  destroy?: boolean;
  afterRun?: boolean;
}

export interface FakeStats {
  requests: number;
  bytesIn: number;
  bytesOut: number;
  /** Complexity points charged (as Linear would). */
  complexity: number;
  byOperation: Record<string, number>;
  rateLimited: number;
  requestLog: { operationName: string; rootField: string; status: number; complexity: number }[];
}

export interface WebhookDeliveryLog {
  deliveryId: string;
  type: string;
  action: string;
  body: string;
  status?: number;
  error?: string;
}

export interface FakeLinearOptions {
  teamKey?: string;
  teamName?: string;
  states?: StateSeed[];
  labels?: string[];
  /** People on the team besides Deckhand's account (`deckhand`): default alice, bob, carol. */
  people?: string[];
  requestsPerHour?: number;
  complexityPerHour?: number;
  clockOffsetMs?: number;
}

const emptyStats = (): FakeStats => ({
  requests: 0,
  bytesIn: 0,
  bytesOut: 0,
  complexity: 0,
  byOperation: {},
  rateLimited: 0,
  requestLog: [],
});

const MAX_COMPLEXITY = 10_000;

/** A leaky bucket: `limit` per hour, refilled continuously. */
class Bucket {
  private level: number;
  private last = Date.now();
  constructor(readonly limit: number) {
    this.level = limit;
  }
  remaining(): number {
    const now = Date.now();
    this.level = Math.min(this.limit, this.level + ((now - this.last) * this.limit) / 3_600_000);
    this.last = now;
    return Math.floor(this.level);
  }
  take(n: number): boolean {
    if (this.remaining() < n) return false;
    this.level -= n;
    return true;
  }
  /** When the bucket is full again (epoch ms). */
  resetAt(): number {
    return Math.ceil(Date.now() + ((this.limit - this.level) * 3_600_000) / this.limit);
  }
  drain(): void {
    this.remaining();
    this.level = 0;
  }
}

export class FakeLinear {
  readonly store = new LinearStore();
  readonly bot: UserRow;
  readonly team: TeamRow;
  stats: FakeStats = emptyStats();
  readonly deliveries: WebhookDeliveryLog[] = [];
  url = '';
  private server: Server | undefined;
  private readonly faults: Fault[] = [];
  private requestsBucket: Bucket;
  private complexityBucket: Bucket;
  private webhook: { id: string; url: string; secret: string; resourceTypes: string[] } | null = null;
  private delivered = 0;
  private deliveryQueue: Promise<void> = Promise.resolve();
  private pending = 0;

  private constructor(options: FakeLinearOptions) {
    this.store.clockOffsetMs = options.clockOffsetMs ?? 0;
    this.bot = this.store.addUser('Deckhand', 'deckhand');
    const people = (options.people ?? ['alice', 'bob', 'carol']).map((p) =>
      this.store.addUser(p[0]!.toUpperCase() + p.slice(1), p),
    );
    this.team = this.store.addTeam(
      options.teamKey ?? 'ENG',
      options.teamName ?? 'Engineering',
      options.states ?? DEFAULT_STATES,
      [this.bot, ...people],
    );
    for (const name of options.labels ?? ['Bug', 'Feature']) this.store.addLabel(this.team.id, name);
    this.requestsBucket = new Bucket(options.requestsPerHour ?? 5_000);
    this.complexityBucket = new Bucket(options.complexityPerHour ?? 250_000);
  }

  static async start(options: FakeLinearOptions = {}): Promise<FakeLinear> {
    const fake = new FakeLinear(options);
    linearSchema();
    const server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.server = server;
    fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    return fake;
  }

  get apiKey(): string {
    return this.bot.apiKey;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.flushWebhooks();
  }

  resetStats(): void {
    this.stats = emptyStats();
  }

  fail(fault: Fault): void {
    this.faults.push(fault);
  }

  /** Spends the key's whole complexity budget, as a burst of someone's scripts would. */
  exhaustComplexity(): void {
    this.complexityBucket.drain();
  }

  /** Settings > API > Webhooks: one webhook for the team; the secret is what Linear shows as the signing secret. */
  setWebhook(config: { url: string; secret?: string; resourceTypes?: string[] }): { id: string; secret: string } {
    const id = randomUUID();
    const secret = config.secret ?? `lin_wh_${randomUUID().replace(/-/g, '')}`;
    this.webhook = { id, url: config.url, secret, resourceTypes: config.resourceTypes ?? ['Issue', 'Comment'] };
    this.delivered = this.store.changes.length;
    return { id, secret };
  }

  async flushWebhooks(): Promise<void> {
    while (this.pending > 0) await this.deliveryQueue;
  }

  /** What a person does in Linear's app; webhooks follow asynchronously. */
  human(name = 'alice'): HumanActions {
    const user = this.store.users.find((u) => u.displayName === name || u.name === name);
    if (!user) throw new Error(`fake linear: no user "${name}"`);
    return new HumanActions(this.store, this.team, user, () => this.scheduleDeliveries());
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    this.stats.requests++;
    this.stats.bytesIn += raw.length;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'POST' || path !== '/graphql') {
      this.send(res, 404, 'Not Found', {}, 'text/plain');
      return;
    }
    let body: { query?: unknown; variables?: unknown; operationName?: unknown } = {};
    try {
      body = JSON.parse(raw.toString('utf8')) as typeof body;
    } catch {
      this.send(res, 400, {
        errors: [{ message: 'Unexpected token in JSON', extensions: { code: 'BAD_REQUEST', type: 'graphql error' } }],
      });
      return;
    }
    let document: DocumentNode | undefined;
    try {
      document = typeof body.query === 'string' ? parse(body.query) : undefined;
    } catch {
      document = undefined;
    }
    const operation = document?.definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const firstField = operation?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
    const request: FaultRequest = {
      operationName: operation?.name?.value ?? '',
      rootField: firstField && firstField.kind === Kind.FIELD ? firstField.name.value : '',
      body: raw.toString('utf8'),
    };
    this.stats.byOperation[request.rootField] = (this.stats.byOperation[request.rootField] ?? 0) + 1;
    const fault = this.takeFault(request);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault && (fault.destroy || fault.status !== undefined)) {
      if (fault.afterRun) {
        this.run(req, body, document, operation);
        this.scheduleDeliveries();
      }
      if (fault.destroy) {
        this.stats.requestLog.push({ ...request, status: 0, complexity: 0 });
        req.socket.destroy();
        return;
      }
      this.stats.requestLog.push({ ...request, status: fault.status!, complexity: 0 });
      this.send(res, fault.status!, fault.body ?? '', fault.headers ?? {});
      return;
    }
    const answer = this.run(req, body, document, operation);
    this.stats.requestLog.push({ ...request, status: answer.status, complexity: answer.complexity });
    this.send(res, answer.status, answer.body, answer.headers);
    setImmediate(() => this.scheduleDeliveries());
  }

  private run(
    req: IncomingMessage,
    body: { query?: unknown; variables?: unknown; operationName?: unknown },
    document: DocumentNode | undefined,
    operation: OperationDefinitionNode | undefined,
  ): { status: number; body: unknown; headers: Record<string, string>; complexity: number } {
    const auth = String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    const viewer = this.store.users.find((u) => auth !== '' && u.apiKey === auth);
    if (!viewer) {
      return {
        status: 400,
        complexity: 0,
        headers: {},
        body: {
          errors: [
            {
              message: 'Authentication required, not authenticated',
              extensions: {
                type: 'authentication error',
                code: 'AUTHENTICATION_ERROR',
                statusCode: 401,
                userError: true,
                userPresentableMessage: 'You need to authenticate to access this operation.',
              },
            },
          ],
        },
      };
    }
    if (!document || !operation) {
      return {
        status: 400,
        complexity: 0,
        headers: {},
        body: {
          errors: [
            {
              message: 'Syntax Error: could not parse the query',
              extensions: { code: 'GRAPHQL_PARSE_FAILED', type: 'graphql error', userError: true },
            },
          ],
        },
      };
    }
    const schema = linearSchema();
    const problems = validate(schema, document);
    if (problems.length > 0) {
      return {
        status: 400,
        complexity: 0,
        headers: {},
        body: {
          errors: problems.map((p) => ({
            message: p.message,
            locations: p.locations,
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED', type: 'graphql error', userError: true },
          })),
        },
      };
    }
    const variables = (body.variables ?? {}) as Record<string, unknown>;
    const fragments = Object.fromEntries(
      document.definitions
        .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((f) => [f.name.value, f]),
    );
    const complexity = complexityOf(schema, operation, fragments, variables);
    const limited = (message: string) => {
      this.stats.rateLimited++;
      return {
        status: 400,
        complexity: 0,
        headers: this.rateHeaders(complexity),
        body: {
          errors: [
            {
              message,
              extensions: {
                type: 'ratelimited',
                code: 'RATELIMITED',
                statusCode: 429,
                userError: true,
                userPresentableMessage: 'Rate limit exceeded. Please try again later.',
              },
            },
          ],
          data: null,
        },
      };
    };
    if (complexity > MAX_COMPLEXITY) {
      return {
        status: 400,
        complexity,
        headers: this.rateHeaders(complexity),
        body: {
          errors: [
            {
              message: `Query too complex: ${complexity} points, the maximum is ${MAX_COMPLEXITY}`,
              extensions: { type: 'invalid input', code: 'INVALID_INPUT', userError: true },
            },
          ],
        },
      };
    }
    if (!this.requestsBucket.take(1)) return limited('Rate limit exceeded: too many requests');
    if (!this.complexityBucket.take(complexity)) return limited('Rate limit exceeded: query complexity budget');
    this.stats.complexity += complexity;
    const graph = new Graph({ store: this.store, viewer });
    const result = execute({
      schema,
      document,
      rootValue: graph,
      variableValues: variables,
      ...(typeof body.operationName === 'string' ? { operationName: body.operationName } : {}),
    }) as {
      data?: unknown;
      errors?: readonly GraphQLError[];
    };
    const errors = result.errors?.map((e) => e.toJSON());
    const noData = result.data === null || result.data === undefined;
    return {
      status: errors && noData ? 400 : 200,
      complexity,
      headers: this.rateHeaders(complexity),
      body: { ...(errors ? { errors } : {}), data: result.data ?? null },
    };
  }

  private rateHeaders(complexity: number): Record<string, string> {
    return {
      'x-ratelimit-requests-limit': String(this.requestsBucket.limit),
      'x-ratelimit-requests-remaining': String(this.requestsBucket.remaining()),
      'x-ratelimit-requests-reset': String(this.requestsBucket.resetAt()),
      'x-ratelimit-complexity-limit': String(this.complexityBucket.limit),
      'x-ratelimit-complexity-remaining': String(this.complexityBucket.remaining()),
      'x-ratelimit-complexity-reset': String(this.complexityBucket.resetAt()),
      'x-complexity': String(complexity),
    };
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
    type = 'application/json; charset=utf-8',
  ): void {
    const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
    this.stats.bytesOut += payload.length;
    res.writeHead(status, { 'content-type': type, 'content-length': payload.length, ...headers });
    res.end(payload);
  }

  private takeFault(request: FaultRequest): Fault | undefined {
    return takeFault(this.faults, request);
  }

  // ---- webhooks ----

  private scheduleDeliveries(): void {
    const hook = this.webhook;
    if (!hook) {
      this.delivered = this.store.changes.length;
      return;
    }
    const changes = this.store.changes.slice(this.delivered);
    this.delivered = this.store.changes.length;
    for (const change of changes) {
      if (!hook.resourceTypes.includes(change.type)) continue;
      this.pending++;
      this.deliveryQueue = this.deliveryQueue.then(() => this.deliver(hook, change)).finally(() => this.pending--);
    }
  }

  /** The webhook body for a change, with the entity as it is when the POST is made. */
  webhookBody(change: Change, webhookId: string): Record<string, unknown> {
    const store = this.store;
    const actor = store.users.find((u) => u.id === change.actorId);
    let data: Record<string, unknown>;
    if (change.type === 'Issue') {
      const i = store.issues.get(change.id)!;
      data = {
        id: i.id,
        createdAt: i.createdAt,
        updatedAt: i.updatedAt,
        archivedAt: i.archivedAt,
        number: i.number,
        title: i.title,
        description: i.description,
        priority: i.priority,
        stateId: i.stateId,
        teamId: i.teamId,
        assigneeId: i.assigneeId,
        labelIds: i.labelIds,
        parentId: i.parentId,
        dueDate: i.dueDate,
        identifier: `${store.team(i.teamId)!.key}-${i.number}`,
      };
    } else {
      const c = store.comments.get(change.id)!;
      const i = store.issues.get(c.issueId)!;
      data = {
        id: c.id,
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        body: c.body,
        issueId: c.issueId,
        userId: c.userId,
        issue: { id: i.id, title: i.title, teamId: i.teamId },
      };
    }
    return {
      action: change.action,
      actor: actor ? { id: actor.id, type: 'user', name: actor.name } : null,
      createdAt: new Date().toISOString(),
      data,
      ...(change.updatedFrom ? { updatedFrom: change.updatedFrom } : {}),
      url: `https://linear.app/fake/${change.type.toLowerCase()}/${change.id}`,
      type: change.type,
      organizationId: store.organizationId,
      webhookTimestamp: Date.now(),
      webhookId,
    };
  }

  private async deliver(hook: { id: string; url: string; secret: string }, change: Change): Promise<void> {
    const body = JSON.stringify(this.webhookBody(change, hook.id));
    const log: WebhookDeliveryLog = { deliveryId: randomUUID(), type: change.type, action: change.action, body };
    this.deliveries.push(log);
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Linear-Webhook',
          'linear-delivery': log.deliveryId,
          'linear-event': change.type,
          'linear-signature': createHmac('sha256', hook.secret).update(body).digest('hex'),
        },
        body,
        signal: AbortSignal.timeout(5_000),
      });
      log.status = res.status;
      await res.arrayBuffer();
    } catch (err) {
      log.error = err instanceof Error ? err.message : String(err);
    }
  }
}
