import type { LinearDocument } from '@linear/sdk';
import type { ColumnRole } from '../../config';
import type { Comment, FieldPatch, Task } from '../../../../shared/task';
import type {
  BoardAdapter,
  BoardCapabilities,
  ChangePage,
  CreateTaskInput,
  WebhookDelivery,
  WebhookHint,
} from '../contract/adapter';
import { checkColumnRoles, checkPatch, patchChanges } from '../contract/canonical';
import { BoardError } from '../contract/errors';
import { watermarkOf } from '../kit/listing/watermark';
import { LinearApi, type LinearClientOptions } from './client';
import { idForMarker, UUID } from './ids';
import {
  commentFromLinear,
  joinDescription,
  priorityToLinear,
  sortStates,
  splitDescription,
  taskFromIssue,
  type Directory,
  type LinearComment,
  type LinearIssue,
  type LinearLabel,
  type LinearState,
  type LinearUser,
} from './mapping';
import { normaliseMarkdown } from './markdown';
import {
  COMMENT_BY_ID,
  COMMENTS_QUERY,
  CREATE_COMMENT,
  CREATE_ISSUE,
  CREATE_LABEL,
  DIRECTORY_QUERY,
  ISSUES_QUERY,
  TEAMS_QUERY,
  UPDATE_ISSUE,
} from './queries';
import { verifyLinearWebhook } from './webhook';

export const LINEAR_BOARD_TYPE = 'linear';

export interface LinearAdapterOptions extends LinearClientOptions {
  boardId: string;
  /** The team's key (`ENG`) or id. */
  team: string;
  webhookSecret?: string;
  columnRoles?: Partial<Record<ColumnRole, string>>;
}

interface Team {
  id: string;
  key: string;
  name: string;
}

interface IssuePage {
  issues: { nodes: LinearIssue[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/**
 * Page sizes. Linear prices a query by its `first`, not by what comes back,
 * so an idle poll asks for a small page (about 5 points per issue slot); a
 * full listing asks for Linear's largest page (250) to keep requests few.
 */
const POLL_PAGE = 10;
const FULL_PAGE = 250;

/**
 * Linear over its GraphQL API, through @linear/sdk. Workflow states are
 * columns by name (a state type such as `completed` also finds the team's
 * first state of that type), labels by name (created in the team on first
 * use), the assignee by display name, name or email, priorities map
 * Linear's 1 urgent .. 4 low to Deckhand's 4 .. 1, the parent is the
 * issue's parent. Agent notes are a marked section at the end of the
 * description (mapping.ts says why). The marker is the issue's id (ids.ts).
 */
export class LinearAdapter implements BoardAdapter {
  readonly type = LINEAR_BOARD_TYPE;
  readonly boardId: string;
  readonly capabilities: BoardCapabilities = {
    webhooks: true,
    incrementalListing: true,
    nativeAgentNotes: false,
    subtasks: true,
    comments: true,
    listDeleted: true,
  };
  readonly api: LinearApi;
  private team: Team | undefined;
  private states: LinearState[] = [];
  private labels: LinearLabel[] = [];
  private members: LinearUser[] = [];

  constructor(private readonly options: LinearAdapterOptions) {
    this.boardId = options.boardId;
    this.api = new LinearApi(options);
  }

  /** Finds the team and reads its states, labels and members; a wrong team or state name is an error now. */
  async connect(): Promise<void> {
    const { teams } = await this.api.request<{ teams: { nodes: Team[] } }>(
      'teams',
      TEAMS_QUERY,
      {},
      'list teams',
      true,
    );
    const wanted = this.options.team;
    const team = teams.nodes.find((t) =>
      UUID.test(wanted) ? t.id === wanted : t.key.toLowerCase() === wanted.toLowerCase() || t.name === wanted,
    );
    if (!team) {
      const known = teams.nodes.map((t) => `${t.key} (${t.name})`).join(', ') || '(none the key can see)';
      throw new BoardError('invalid', `Linear team "${wanted}" not found; teams: ${known}`);
    }
    this.team = team;
    await this.loadDirectory();
    checkColumnRoles(
      this.options.columnRoles,
      this.states.map((s) => s.name),
      `Linear team ${team.key}`,
      { one: 'workflow state', many: 'states' },
    );
  }

  private async loadDirectory(): Promise<void> {
    const { team } = await this.api.request<{
      team: Team & {
        states: { nodes: LinearState[] };
        labels: { nodes: LinearLabel[] };
        members: { nodes: LinearUser[] };
      };
    }>('directory', DIRECTORY_QUERY, { team: this.team!.id }, 'read the team', true);
    this.states = sortStates(team.states.nodes);
    this.labels = team.labels.nodes;
    this.members = team.members.nodes;
  }

  private async ready(): Promise<void> {
    if (!this.team) await this.connect();
  }

  private readonly names: Directory = {
    stateName: (id) => this.states.find((s) => s.id === id)?.name ?? id,
    labelName: (id) => this.labels.find((l) => l.id === id)?.name,
    memberName: (id) => this.members.find((m) => m.id === id)?.displayName,
  };

  /** Maps issues, re-reading the directory once if one names a state, label or member added since. */
  private async toTasks(issues: LinearIssue[]): Promise<Task[]> {
    const unknown = issues.some(
      (i) =>
        !this.states.some((s) => s.id === i.state.id) ||
        i.labelIds.some((l) => !this.names.labelName(l)) ||
        (i.assignee !== null && !this.names.memberName(i.assignee.id)),
    );
    if (unknown) await this.loadDirectory();
    return issues.map((issue) => taskFromIssue(issue, this.names));
  }

  private teamFilter(): LinearDocument.IssueFilter {
    return { team: { id: { eq: this.team!.id } } };
  }

  /** Pages of issues (`first` per page), through Linear's cursors. */
  private async collect(
    filter: LinearDocument.IssueFilter,
    first: number,
    what: string,
    includeArchived = false,
  ): Promise<LinearIssue[]> {
    const out: LinearIssue[] = [];
    let after: string | null = null;
    for (;;) {
      const page: IssuePage = await this.api.request<IssuePage>(
        first === FULL_PAGE ? 'issues-full' : 'issues-poll',
        ISSUES_QUERY,
        { filter, first, ...(after ? { after } : {}), ...(includeArchived ? { includeArchived } : {}) },
        what,
        true,
      );
      if (!page?.issues || !Array.isArray(page.issues.nodes)) {
        throw new BoardError('transient', `Linear's answer to ${what} is not an issue page`);
      }
      out.push(...page.issues.nodes);
      if (!page.issues.pageInfo.hasNextPage || !page.issues.pageInfo.endCursor) return out;
      after = page.issues.pageInfo.endCursor;
    }
  }

  async listColumns(): Promise<string[]> {
    await this.ready();
    return this.states.map((s) => s.name);
  }

  /** Every issue of the team Linear lists: open and completed; archived and deleted (trashed) ones are not listed. */
  async listTasks(): Promise<Task[]> {
    await this.ready();
    return this.toTasks(await this.collect(this.teamFilter(), FULL_PAGE, 'list issues'));
  }

  /**
   * `updatedAt >= since` (the contract's bound; the engine dedupes what sits
   * at the watermark by version), filtered by Linear, every page read. A poll
   * asks with `includeArchived`, so an issue archived or moved to the trash
   * since (Linear moves its updatedAt) comes back in the same request with
   * `archivedAt` set: a deletion, with no second query.
   */
  async listChangedSince(since: string | null): Promise<ChangePage> {
    await this.ready();
    if (since === null) {
      const tasks = await this.listTasks();
      return { tasks, watermark: watermarkOf(tasks, null) };
    }
    if (Number.isNaN(Date.parse(since))) throw new BoardError('invalid', `"${since}" is not a date-time watermark`);
    const filter: LinearDocument.IssueFilter = {
      ...this.teamFilter(),
      updatedAt: { gte: new Date(Date.parse(since)).toISOString() },
    };
    const issues = await this.collect(filter, POLL_PAGE, 'list changed issues', true);
    const gone = issues.filter((i) => i.archivedAt);
    const tasks = await this.toTasks(issues.filter((i) => !i.archivedAt));
    // Deletions are seen too: their times move the watermark, so they are not listed again.
    return { tasks, watermark: watermarkOf([...tasks, ...gone], since), deletedIds: gone.map((i) => i.id) };
  }

  async getTask(id: string): Promise<Task | null> {
    await this.ready();
    const issue = await this.readIssue(id);
    return issue ? (await this.toTasks([issue]))[0]! : null;
  }

  /** One issue of this team by id, or null (unknown, another team's, archived or deleted). */
  private async readIssue(id: string): Promise<LinearIssue | null> {
    if (!UUID.test(id)) return null;
    const page = await this.api.request<IssuePage>(
      'issue',
      ISSUES_QUERY,
      { filter: { ...this.teamFilter(), id: { eq: id } }, first: 1 },
      'read an issue',
      true,
    );
    return page.issues.nodes[0] ?? null;
  }

  /** The marker is the issue's id, so this is an exact lookup. */
  async findTaskByMarker(marker: string): Promise<Task | null> {
    return this.getTask(idForMarker(marker));
  }

  /**
   * The id is chosen here from the marker: Linear refuses a second create with
   * the same id, so a retried create after a lost answer finds the first.
   */
  async createTask(input: CreateTaskInput): Promise<Task> {
    await this.ready();
    const fields = checkPatch(input.fields);
    const id = idForMarker(input.marker);
    const values = await this.valuesFor(fields);
    const variables: { input: LinearDocument.IssueCreateInput } = {
      input: {
        ...values,
        id,
        teamId: this.team!.id,
        title: fields.title!,
        description: joinDescription(fields.description ?? '', fields.agentNotes ?? ''),
      },
    };
    try {
      const { issueCreate } = await this.api.request<{ issueCreate: { issue: LinearIssue } }>(
        'issueCreate',
        CREATE_ISSUE,
        variables,
        'create an issue',
      );
      return (await this.toTasks([issueCreate.issue]))[0]!;
    } catch (err) {
      // A repeat of a create whose first answer was lost: Linear refuses the id it already has.
      if (err instanceof BoardError && err.kind === 'invalid') {
        const existing = await this.getTask(id);
        if (existing) return existing;
      }
      throw err;
    }
  }

  async updateTask(id: string, patch: FieldPatch): Promise<Task> {
    await this.ready();
    const fields = checkPatch(patch);
    if (fields.description !== undefined) fields.description = normaliseMarkdown(fields.description);
    if (fields.agentNotes !== undefined) fields.agentNotes = normaliseMarkdown(fields.agentNotes);
    const current = await this.readIssue(id);
    if (!current) throw new BoardError('not_found', `Linear issue ${id} does not exist (deleted or archived)`);
    const before = (await this.toTasks([current]))[0]!;
    // Linear moves updatedAt (and fires webhooks) even for an update that changes nothing; skip it.
    if (!patchChanges(before, fields)) return before;
    const input: LinearDocument.IssueUpdateInput = await this.valuesFor(fields);
    if (fields.title !== undefined) input.title = fields.title;
    if (fields.description !== undefined || fields.agentNotes !== undefined) {
      const now = splitDescription(current.description);
      input.description = joinDescription(fields.description ?? now.description, fields.agentNotes ?? now.agentNotes);
    }
    const { issueUpdate } = await this.api.request<{ issueUpdate: { issue: LinearIssue } }>(
      'issueUpdate',
      UPDATE_ISSUE,
      { id, input },
      'update an issue',
      true,
    );
    return (await this.toTasks([issueUpdate.issue]))[0]!;
  }

  /** Linear's ids for the fields that are ids or numbers there. */
  private async valuesFor(fields: FieldPatch): Promise<LinearDocument.IssueUpdateInput> {
    const out: LinearDocument.IssueUpdateInput = {};
    if (fields.status !== undefined) out.stateId = (await this.state(fields.status)).id;
    if (fields.labels !== undefined) out.labelIds = await this.labelIds(fields.labels);
    if (fields.assignee !== undefined)
      out.assigneeId = fields.assignee === null ? null : this.memberId(fields.assignee);
    if (fields.priority !== undefined) out.priority = priorityToLinear(fields.priority);
    if (fields.parentId !== undefined) {
      if (fields.parentId !== null && !UUID.test(fields.parentId)) {
        throw new BoardError('invalid', `parent "${fields.parentId}" is not a Linear issue id`);
      }
      out.parentId = fields.parentId;
    }
    if (fields.dueDate !== undefined) out.dueDate = fields.dueDate;
    return out;
  }

  /** A state by name; else, by type (`completed`), the team's first state of that type. */
  private async state(name: string): Promise<LinearState> {
    const find = () => this.states.find((s) => s.name === name) ?? this.states.find((s) => s.type === name);
    let state = find();
    if (!state) {
      await this.loadDirectory();
      state = find();
    }
    if (!state) {
      const known = this.states.map((s) => s.name).join(', ');
      throw new BoardError(
        'invalid',
        `Linear team ${this.team!.key} has no workflow state "${name}"; states: ${known}`,
      );
    }
    return state;
  }

  /** Label ids by name; a label the team lacks is created in it. */
  private async labelIds(names: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const name of names) {
      let label = this.labels.find((l) => l.name === name);
      if (!label) {
        await this.loadDirectory();
        label = this.labels.find((l) => l.name === name);
      }
      if (!label) {
        const { issueLabelCreate } = await this.api.request<{ issueLabelCreate: { issueLabel: LinearLabel } }>(
          'issueLabelCreate',
          CREATE_LABEL,
          { input: { name, teamId: this.team!.id } },
          `create label "${name}"`,
        );
        label = issueLabelCreate.issueLabel;
        this.labels.push(label);
      }
      ids.push(label.id);
    }
    return ids;
  }

  private memberId(name: string): string {
    const member = this.members.find((m) => m.displayName === name || m.name === name || m.email === name);
    if (!member) {
      const known = this.members.map((m) => m.displayName).join(', ');
      throw new BoardError('invalid', `"${name}" is not a member of Linear team ${this.team!.key}; members: ${known}`);
    }
    return member.id;
  }

  /** The issue's comments, oldest first (agent notes are in the description, so every comment is listed). */
  async listComments(taskId: string): Promise<Comment[]> {
    await this.ready();
    if (!UUID.test(taskId)) throw new BoardError('not_found', `Linear issue ${taskId} does not exist`);
    const rows: LinearComment[] = [];
    let after: string | null = null;
    for (;;) {
      const page: {
        comments: { nodes: LinearComment[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      } = await this.api.request(
        'comments',
        COMMENTS_QUERY,
        { filter: { issue: { id: { eq: taskId } } }, ...(after ? { after } : {}) },
        'list comments',
        true,
      );
      rows.push(...page.comments.nodes);
      if (!page.comments.pageInfo.hasNextPage || !page.comments.pageInfo.endCursor) break;
      after = page.comments.pageInfo.endCursor;
    }
    return rows
      .map((row) => commentFromLinear(row, taskId, this.names))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /** The marker is the comment's id: a retried create is refused by Linear and returns the first comment. */
  async addComment(taskId: string, body: string, marker: string): Promise<Comment> {
    await this.ready();
    const id = idForMarker(marker);
    const input: LinearDocument.CommentCreateInput = { id, issueId: taskId, body };
    try {
      const { commentCreate } = await this.api.request<{ commentCreate: { comment: LinearComment } }>(
        'commentCreate',
        CREATE_COMMENT,
        { input },
        'add a comment',
      );
      return commentFromLinear(commentCreate.comment, taskId, this.names);
    } catch (err) {
      if (err instanceof BoardError && err.kind === 'invalid') {
        const existing = await this.findCommentByMarker(taskId, marker);
        if (existing) return existing;
      }
      throw err;
    }
  }

  async findCommentByMarker(taskId: string, marker: string): Promise<Comment | null> {
    await this.ready();
    const { comments } = await this.api.request<{
      comments: { nodes: (LinearComment & { issue: { id: string } | null })[] };
    }>('comment', COMMENT_BY_ID, { filter: { id: { eq: idForMarker(marker) } } }, 'find a comment', true);
    const row = comments.nodes[0];
    return row && row.issue?.id === taskId ? commentFromLinear(row, taskId, this.names) : null;
  }

  verifyWebhook(delivery: WebhookDelivery): WebhookHint {
    return verifyLinearWebhook(delivery, this.options.webhookSecret, this.team?.id);
  }

  webhookConfigured(): boolean {
    return Boolean(this.options.webhookSecret);
  }
}
