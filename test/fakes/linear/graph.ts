import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, GraphQLError, type GraphQLSchema } from 'graphql';
import type { CommentRow, IssueRow, LabelRow, LinearStore, StateRow, TeamRow, UserRow } from './store';

let cached: GraphQLSchema | undefined;
/** The part of Linear's published schema the fake serves (schema.graphql, made by extract-schema.ts). */
export function linearSchema(): GraphQLSchema {
  cached ??= buildSchema(readFileSync(join(__dirname, 'schema.graphql'), 'utf8'));
  return cached;
}

/** Linear's error for a request it refuses, with the extensions its API sends. */
export function linearError(
  message: string,
  extensions: { type: string; code: string; statusCode?: number; userPresentableMessage?: string },
): GraphQLError {
  return new GraphQLError(message, { extensions: { userError: true, ...extensions } });
}

/** "Entity not found: Issue" is what Linear says for an unknown id [inferred from SDK users' reports]. */
const notFound = (entity: string): GraphQLError =>
  linearError(`Entity not found: ${entity}`, {
    type: 'invalid input',
    code: 'INVALID_INPUT',
    statusCode: 400,
    userPresentableMessage: `Could not find referenced ${entity}.`,
  });

const invalidInput = (message: string): GraphQLError =>
  linearError(message, {
    type: 'invalid input',
    code: 'INVALID_INPUT',
    statusCode: 400,
    userPresentableMessage: message,
  });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface GraphContext {
  store: LinearStore;
  viewer: UserRow;
}

type Filter = Record<string, unknown>;
type ConnectionArgs = {
  first?: number;
  last?: number;
  after?: string;
  before?: string;
  filter?: Filter;
  orderBy?: string;
  includeArchived?: boolean;
};

/** A comparator (`{ eq, gt, in, null, ... }`) against one value. */
function compare(value: unknown, comparator: Filter, field: string): boolean {
  for (const [op, want] of Object.entries(comparator)) {
    const asTime = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : NaN);
    const num = (v: unknown) => (typeof v === 'number' ? v : asTime(v));
    const ok = (() => {
      switch (op) {
        case 'eq':
          return typeof value === 'string' && typeof want === 'string' && /At$/.test(field)
            ? asTime(value) === asTime(want)
            : value === want;
        case 'neq':
          return value !== want;
        case 'in':
          return Array.isArray(want) && want.includes(value);
        case 'nin':
          return Array.isArray(want) && !want.includes(value);
        case 'null':
          return (value === null || value === undefined) === want;
        case 'gt':
          return num(value) > num(want);
        case 'gte':
          return num(value) >= num(want);
        case 'lt':
          return num(value) < num(want);
        case 'lte':
          return num(value) <= num(want);
        case 'eqIgnoreCase':
          return String(value).toLowerCase() === String(want).toLowerCase();
        case 'contains':
          return String(value).includes(String(want));
        case 'containsIgnoreCase':
          return String(value).toLowerCase().includes(String(want).toLowerCase());
        case 'startsWith':
          return String(value).startsWith(String(want));
        default:
          throw new GraphQLError(`fake linear: comparator "${op}" on ${field} is not implemented`);
      }
    })();
    if (!ok) return false;
  }
  return true;
}

/** Applies a Linear filter object: `and`/`or`, comparators on fields, and nested filters on relations. */
function matches(
  row: unknown,
  filter: Filter | undefined,
  fields: (key: string) => { value: unknown } | { nested: unknown } | undefined,
  what: string,
): boolean {
  if (!filter) return true;
  for (const [key, sub] of Object.entries(filter)) {
    if (sub === undefined || sub === null) continue;
    if (key === 'and') {
      if (!(sub as Filter[]).every((f) => matches(row, f, fields, what))) return false;
      continue;
    }
    if (key === 'or') {
      if (!(sub as Filter[]).some((f) => matches(row, f, fields, what))) return false;
      continue;
    }
    const field = fields(key);
    if (!field) throw new GraphQLError(`fake linear: ${what} filter on "${key}" is not implemented`);
    if ('value' in field) {
      if (!compare(field.value, sub as Filter, key)) return false;
    } else if (!(field.nested as (f: Filter) => boolean)(sub as Filter)) return false;
  }
  return true;
}

export class Graph {
  constructor(private readonly ctx: GraphContext) {}

  private get store(): LinearStore {
    return this.ctx.store;
  }

  // ---- views (graphql-js calls a method with the field's arguments, reads a property as is) ----

  userView(row: UserRow | undefined | null): Record<string, unknown> | null {
    if (!row) return null;
    return {
      id: row.id,
      name: row.name,
      displayName: row.displayName,
      email: row.email,
      active: true,
      admin: false,
      url: `https://linear.app/fake/profiles/${row.displayName}`,
    };
  }

  stateView(row: StateRow): Record<string, unknown> {
    return {
      id: row.id,
      name: row.name,
      type: row.type,
      position: row.position,
      color: row.color,
      team: () => this.teamView(this.store.team(row.teamId)!),
    };
  }

  labelView(row: LabelRow): Record<string, unknown> {
    return {
      id: row.id,
      name: row.name,
      color: row.color,
      isGroup: false,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  teamView(row: TeamRow): Record<string, unknown> {
    const store = this.store;
    return {
      id: row.id,
      key: row.key,
      name: row.name,
      displayName: row.name,
      states: (args: ConnectionArgs) =>
        this.connection(
          store.teamStates(row.id).filter((s) => matches(s, args.filter, (k) => this.stateField(s, k), 'state')),
          args,
          (s) => this.stateView(s),
          (s) => s.id,
          null,
        ),
      labels: (args: ConnectionArgs) =>
        this.connection(
          store
            .teamLabels(row.id)
            .filter((l) =>
              matches(
                l,
                args.filter,
                (k) => (k === 'name' ? { value: l.name } : k === 'id' ? { value: l.id } : undefined),
                'label',
              ),
            ),
          args,
          (l) => this.labelView(l),
          (l) => l.id,
          null,
        ),
      members: (args: ConnectionArgs) =>
        this.connection(
          store.users.filter((u) => row.memberIds.has(u.id)),
          args,
          (u) => this.userView(u)!,
          (u) => u.id,
          null,
        ),
      issues: (args: ConnectionArgs) =>
        this.issues({
          ...args,
          filter: { and: [{ team: { id: { eq: row.id } } }, ...(args.filter ? [args.filter] : [])] },
        }),
    };
  }

  issueView(row: IssueRow): Record<string, unknown> {
    const store = this.store;
    const team = store.team(row.teamId)!;
    const priorityLabels = ['No priority', 'Urgent', 'High', 'Medium', 'Low'];
    return {
      ...row,
      identifier: `${team.key}-${row.number}`,
      url: `https://linear.app/fake/issue/${team.key}-${row.number}`,
      branchName: `${this.ctx.viewer.displayName}/${team.key.toLowerCase()}-${row.number}`,
      priorityLabel: priorityLabels[row.priority] ?? 'No priority',
      labelIds: [...row.labelIds],
      state: () => this.stateView(store.states.find((s) => s.id === row.stateId)!),
      team: () => this.teamView(team),
      assignee: () => this.userView(store.users.find((u) => u.id === row.assigneeId)),
      creator: () => this.userView(store.users.find((u) => u.id === row.creatorId)),
      parent: () => {
        const parent = row.parentId ? store.liveIssue(row.parentId) : undefined;
        return parent ? this.issueView(parent) : null;
      },
      labels: (args: ConnectionArgs) =>
        this.connection(
          store.labels.filter((l) => row.labelIds.includes(l.id)),
          args,
          (l) => this.labelView(l),
          (l) => l.id,
          null,
        ),
      children: (args: ConnectionArgs) =>
        this.issues({
          ...args,
          filter: { and: [{ parent: { id: { eq: row.id } } }, ...(args.filter ? [args.filter] : [])] },
        }),
      comments: (args: ConnectionArgs) =>
        this.comments({
          ...args,
          filter: { and: [{ issue: { id: { eq: row.id } } }, ...(args.filter ? [args.filter] : [])] },
        }),
    };
  }

  commentView(row: CommentRow): Record<string, unknown> {
    const store = this.store;
    return {
      ...row,
      url: `https://linear.app/fake/comment/${row.id}`,
      user: () => this.userView(store.users.find((u) => u.id === row.userId)),
      issue: () => {
        const issue = store.liveIssue(row.issueId);
        return issue ? this.issueView(issue) : null;
      },
    };
  }

  /** A Relay connection: cursors are node ids, as in Linear; `updatedAt`/`createdAt` order newest first. */
  private connection<T>(
    rows: T[],
    args: ConnectionArgs,
    view: (row: T) => unknown,
    idOf: (row: T) => string,
    timeOf: ((row: T, order: string) => string) | null,
  ): Record<string, unknown> {
    let sorted = rows;
    if (timeOf) {
      const order = args.orderBy ?? 'createdAt';
      sorted = [...rows].sort(
        (a, b) => timeOf(b, order).localeCompare(timeOf(a, order)) || idOf(b).localeCompare(idOf(a)),
      );
    }
    let start = 0;
    if (args.after) {
      const at = sorted.findIndex((r) => idOf(r) === args.after);
      if (at < 0) throw invalidInput(`Cursor ${args.after} is not valid`);
      start = at + 1;
    }
    const size = args.first ?? 50;
    const page = sorted.slice(start, start + size);
    const hasNextPage = start + size < sorted.length;
    return {
      nodes: page.map(view),
      edges: page.map((r) => ({ node: view(r), cursor: idOf(r) })),
      pageInfo: {
        hasNextPage,
        hasPreviousPage: start > 0,
        startCursor: page[0] ? idOf(page[0]) : null,
        endCursor: page.length ? idOf(page[page.length - 1]!) : null,
      },
    };
  }

  private stateField(s: StateRow, key: string): { value: unknown } | { nested: unknown } | undefined {
    if (key === 'id' || key === 'name' || key === 'type') return { value: s[key] };
    return undefined;
  }

  private issueField(i: IssueRow, key: string): { value: unknown } | { nested: unknown } | undefined {
    const store = this.store;
    switch (key) {
      case 'id':
      case 'title':
      case 'priority':
      case 'number':
      case 'createdAt':
      case 'updatedAt':
      case 'dueDate':
        return { value: i[key] };
      case 'description':
        return { value: i.description };
      case 'team': {
        const team = store.team(i.teamId)!;
        return {
          nested: (f: Filter) =>
            matches(
              team,
              f,
              (k) => (k === 'id' || k === 'key' || k === 'name' ? { value: team[k] } : undefined),
              'team',
            ),
        };
      }
      case 'state': {
        const state = store.states.find((s) => s.id === i.stateId)!;
        return { nested: (f: Filter) => matches(state, f, (k) => this.stateField(state, k), 'state') };
      }
      case 'parent':
        return {
          nested: (f: Filter) => {
            const parent = i.parentId ? store.issues.get(i.parentId) : undefined;
            if ('null' in f) return (parent === undefined) === f.null;
            return parent !== undefined && matches(parent, f, (k) => this.issueField(parent, k), 'issue');
          },
        };
      case 'assignee':
        return {
          nested: (f: Filter) => {
            const user = store.users.find((u) => u.id === i.assigneeId);
            if ('null' in f) return (user === undefined) === f.null;
            return (
              user !== undefined &&
              matches(
                user,
                f,
                (k) =>
                  k === 'id' || k === 'name' || k === 'displayName' || k === 'email' ? { value: user[k] } : undefined,
                'user',
              )
            );
          },
        };
      default:
        return undefined;
    }
  }

  // ---- Query ----

  issues(args: ConnectionArgs): Record<string, unknown> {
    const rows = [...this.store.issues.values()].filter(
      (i) => (args.includeArchived || !i.archivedAt) && matches(i, args.filter, (k) => this.issueField(i, k), 'issue'),
    );
    return this.connection(
      rows,
      args,
      (i) => this.issueView(i),
      (i) => i.id,
      (i, order) => (order === 'updatedAt' ? i.updatedAt : i.createdAt),
    );
  }

  issue(args: { id: string }): Record<string, unknown> {
    const row =
      this.store.liveIssue(args.id) ??
      [...this.store.issues.values()].find(
        (i) => !i.archivedAt && `${this.store.team(i.teamId)!.key}-${i.number}` === args.id,
      );
    if (!row) throw notFound('Issue');
    return this.issueView(row);
  }

  comments(args: ConnectionArgs): Record<string, unknown> {
    const store = this.store;
    const rows = [...store.comments.values()].filter((c) => {
      const issue = store.liveIssue(c.issueId);
      if (!issue) return false;
      return matches(
        c,
        args.filter,
        (k) => {
          if (k === 'id' || k === 'body' || k === 'createdAt' || k === 'updatedAt') return { value: c[k] };
          if (k === 'issue')
            return { nested: (f: Filter) => matches(issue, f, (key) => this.issueField(issue, key), 'issue') };
          return undefined;
        },
        'comment',
      );
    });
    return this.connection(
      rows,
      args,
      (c) => this.commentView(c),
      (c) => c.id,
      (c, order) => (order === 'updatedAt' ? c.updatedAt : c.createdAt),
    );
  }

  comment(args: { id?: string }): Record<string, unknown> {
    const row = args.id ? this.store.comments.get(args.id) : undefined;
    if (!row || !this.store.liveIssue(row.issueId)) throw notFound('Comment');
    return this.commentView(row);
  }

  teams(args: ConnectionArgs): Record<string, unknown> {
    const rows = this.store.teams.filter((t) => t.memberIds.has(this.ctx.viewer.id));
    return this.connection(
      rows,
      args,
      (t) => this.teamView(t),
      (t) => t.id,
      null,
    );
  }

  team(args: { id: string }): Record<string, unknown> {
    const row = this.store.team(args.id);
    if (!row || !row.memberIds.has(this.ctx.viewer.id)) throw notFound('Team');
    return this.teamView(row);
  }

  viewer(): Record<string, unknown> {
    return this.userView(this.ctx.viewer)!;
  }

  // ---- Mutation ----

  private checkId(id: unknown, entity: string): string | undefined {
    if (id === undefined || id === null) return undefined;
    if (typeof id !== 'string' || !UUID.test(id)) throw invalidInput(`id must be a UUID v4`);
    if ((entity === 'Issue' ? this.store.issues : this.store.comments).has(id)) {
      // A client-chosen id that exists: the create is refused, so a retry cannot duplicate [exact words inferred].
      throw invalidInput(`${entity} with id ${id} already exists`);
    }
    return id;
  }

  /** Checks and translates the input fields issueCreate and issueUpdate share. */
  private issueValues(input: Record<string, unknown>, teamId: string, selfId?: string): Partial<IssueRow> {
    const store = this.store;
    const out: Partial<IssueRow> = {};
    const supported = new Set([
      'id',
      'teamId',
      'title',
      'description',
      'stateId',
      'assigneeId',
      'priority',
      'labelIds',
      'parentId',
      'dueDate',
    ]);
    for (const key of Object.keys(input)) {
      if (!supported.has(key)) throw new GraphQLError(`fake linear: input field "${key}" is not implemented`);
    }
    if (input.title !== undefined) {
      if (typeof input.title !== 'string' || input.title.trim() === '') throw invalidInput('title must not be empty');
      out.title = input.title;
    }
    if (input.description !== undefined) out.description = (input.description as string | null) ?? null;
    if (input.stateId !== undefined) {
      const state = store.states.find((s) => s.id === input.stateId && s.teamId === teamId);
      if (!state) throw notFound('WorkflowState');
      out.stateId = state.id;
    }
    if (input.assigneeId !== undefined) {
      if (input.assigneeId === null) out.assigneeId = null;
      else {
        const user = store.users.find((u) => u.id === input.assigneeId);
        if (!user) throw notFound('User');
        out.assigneeId = user.id;
      }
    }
    if (input.priority !== undefined) {
      const p = input.priority as number;
      if (!Number.isInteger(p) || p < 0 || p > 4) throw invalidInput('priority must be between 0 and 4');
      out.priority = p;
    }
    if (input.labelIds !== undefined) {
      const ids = (input.labelIds as string[] | null) ?? [];
      for (const id of ids) if (!store.teamLabels(teamId).some((l) => l.id === id)) throw notFound('IssueLabel');
      out.labelIds = [...new Set(ids)];
    }
    if (input.parentId !== undefined) {
      if (input.parentId === null) out.parentId = null;
      else {
        const parent = typeof input.parentId === 'string' ? store.liveIssue(input.parentId) : undefined;
        if (!parent) throw notFound('Issue');
        if (parent.id === selfId) throw invalidInput('An issue cannot be its own parent');
        out.parentId = parent.id;
      }
    }
    if (input.dueDate !== undefined) out.dueDate = (input.dueDate as string | null) ?? null;
    return out;
  }

  issueCreate(args: { input: Record<string, unknown> }): Record<string, unknown> {
    const { input } = args;
    const team = typeof input.teamId === 'string' ? this.store.team(input.teamId) : undefined;
    if (!team || !team.memberIds.has(this.ctx.viewer.id)) throw notFound('Team');
    const id = this.checkId(input.id, 'Issue');
    if (typeof input.title !== 'string') throw invalidInput('title must not be empty');
    const values = this.issueValues(input, team.id);
    const row = this.store.createIssue({ ...values, teamId: team.id, title: input.title }, this.ctx.viewer.id, id);
    return { success: true, lastSyncId: this.store.changes.length, issue: this.issueView(row) };
  }

  issueUpdate(args: { id: string; input: Record<string, unknown> }): Record<string, unknown> {
    const row = this.store.liveIssue(args.id);
    if (!row) throw notFound('Issue');
    if (args.input.id !== undefined || args.input.teamId !== undefined)
      throw new GraphQLError('fake linear: moving an issue is not implemented');
    this.store.updateIssue(row, this.issueValues(args.input, row.teamId, row.id), this.ctx.viewer.id);
    return { success: true, lastSyncId: this.store.changes.length, issue: this.issueView(row) };
  }

  issueDelete(args: { id: string }): Record<string, unknown> {
    const row = this.store.liveIssue(args.id);
    if (!row) throw notFound('Issue');
    this.store.trashIssue(row, this.ctx.viewer.id);
    return { success: true, lastSyncId: this.store.changes.length, entity: this.issueView(row) };
  }

  commentCreate(args: { input: Record<string, unknown> }): Record<string, unknown> {
    const { input } = args;
    for (const key of Object.keys(input)) {
      if (!['id', 'issueId', 'body'].includes(key))
        throw new GraphQLError(`fake linear: input field "${key}" is not implemented`);
    }
    const issue = typeof input.issueId === 'string' ? this.store.liveIssue(input.issueId) : undefined;
    if (!issue) throw notFound('Issue');
    const id = this.checkId(input.id, 'Comment');
    if (typeof input.body !== 'string' || input.body.trim() === '') throw invalidInput('body must not be empty');
    const row = this.store.createComment(issue, input.body, this.ctx.viewer.id, id);
    return { success: true, lastSyncId: this.store.changes.length, comment: this.commentView(row) };
  }

  commentUpdate(args: { id: string; input: Record<string, unknown> }): Record<string, unknown> {
    const row = this.store.comments.get(args.id);
    if (!row) throw notFound('Comment');
    if (typeof args.input.body !== 'string') throw new GraphQLError('fake linear: only body updates are implemented');
    this.store.updateComment(row, args.input.body, this.ctx.viewer.id);
    return { success: true, lastSyncId: this.store.changes.length, comment: this.commentView(row) };
  }

  issueLabelCreate(args: { input: Record<string, unknown> }): Record<string, unknown> {
    const { name, teamId } = args.input as { name?: string; teamId?: string };
    if (typeof name !== 'string' || name.trim() === '') throw invalidInput('name must not be empty');
    const team = teamId ? this.store.team(teamId) : undefined;
    if (teamId && !team) throw notFound('Team');
    if (this.store.teamLabels(team?.id ?? '').some((l) => l.name === name)) {
      throw invalidInput('Label name already exists');
    }
    const row = this.store.addLabel(team?.id ?? null, name);
    return { success: true, lastSyncId: this.store.changes.length, issueLabel: this.labelView(row) };
  }

  rateLimitStatus(): Record<string, unknown> {
    throw new GraphQLError('fake linear: rateLimitStatus is not implemented');
  }
}
