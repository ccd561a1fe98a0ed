import { renderComment, renderIssueForApp, type RenderContext } from './render';
import type { CommentRow, IssueRow, IssueValues, PlaneStore, Priority, UserRow } from './store';

export interface HumanWorkItemFields {
  name?: string;
  /** HTML as the editor saves it. */
  description?: string;
  /** State name. */
  state?: string;
  /** Label names (replace the item's labels). */
  labels?: string[];
  /** Display names of project members (replace the assignees). */
  assignees?: string[];
  priority?: Priority;
  /** YYYY-MM-DD, or null to clear. */
  targetDate?: string | null;
}

/**
 * What a person does in Plane's web app, for tests. It goes through the store,
 * not the API, but records the same webhook activity the app's views do
 * (app/views/issue/base.py, app/views/issue/comment.py): the app sends one
 * PATCH per edit with its own field names (`state_id`, `label_ids`,
 * `assignee_ids`, `name`, `description_html`, `priority`, `target_date`), so
 * each edited field is one save (each moving `updated_at`) and, when it
 * changed, one webhook whose `activity.field` is that name. Deleting sends no
 * webhook, as in Plane. Webhooks are posted asynchronously: await
 * `fake.flushWebhooks()` to see them.
 */
export class HumanActions {
  private readonly ctx: RenderContext;

  constructor(
    private readonly store: PlaneStore,
    private readonly projectId: string,
    readonly user: UserRow,
    private readonly schedule: () => void,
  ) {
    this.ctx = { store, timeZone: 'UTC', userId: user.id };
  }

  private issue(id: string): IssueRow {
    const issue = this.store.liveIssue(id);
    if (!issue) throw new Error(`fake plane: no work item ${id}`);
    return issue;
  }

  private stateId(name: string): string {
    const state = this.store.stateByName(this.projectId, name);
    if (!state) throw new Error(`fake plane: no state "${name}"`);
    return state.id;
  }

  private labelIds(names: string[]): string[] {
    return names.map((name) => {
      const label = this.store.labelByName(this.projectId, name);
      if (!label) throw new Error(`fake plane: no label "${name}"`);
      return label.id;
    });
  }

  private userIds(names: string[]): string[] {
    return names.map((name) => {
      const user = this.store.userByName(name);
      if (!user || !this.store.project(this.projectId).members.has(user.id)) {
        throw new Error(`fake plane: "${name}" is not a project member`);
      }
      return user.id;
    });
  }

  /** The app's create form; returns the new row (its `sequence_id` gives `DEMO-<n>`). */
  async createWorkItem(fields: HumanWorkItemFields & { name: string }): Promise<IssueRow> {
    const values: IssueValues & { name: string } = { name: fields.name };
    const requested: Record<string, unknown> = { name: fields.name };
    if (fields.description !== undefined) requested.description_html = values.description_html = fields.description;
    if (fields.state !== undefined) requested.state_id = values.state = this.stateId(fields.state);
    if (fields.labels !== undefined) requested.label_ids = values.labels = this.labelIds(fields.labels);
    if (fields.assignees !== undefined) requested.assignee_ids = values.assignees = this.userIds(fields.assignees);
    if (fields.priority !== undefined) requested.priority = values.priority = fields.priority;
    if (fields.targetDate !== undefined) requested.target_date = values.target_date = fields.targetDate;
    const issue = this.store.createIssue(this.projectId, values, this.user.id);
    this.store.recordActivity('issue', issue.id, requested, null, this.user.id);
    this.schedule();
    return issue;
  }

  /** Edits in the work item's page, one app PATCH per given field, in the order below. */
  async update(id: string, fields: HumanWorkItemFields): Promise<void> {
    const edits: [Record<string, unknown>, IssueValues][] = [];
    if (fields.name !== undefined) edits.push([{ name: fields.name }, { name: fields.name }]);
    if (fields.description !== undefined) {
      edits.push([{ description_html: fields.description }, { description_html: fields.description }]);
    }
    if (fields.state !== undefined) {
      const state = this.stateId(fields.state);
      edits.push([{ state_id: state }, { state }]);
    }
    if (fields.labels !== undefined) {
      const labels = this.labelIds(fields.labels);
      edits.push([{ label_ids: labels }, { labels }]);
    }
    if (fields.assignees !== undefined) {
      const assignees = this.userIds(fields.assignees);
      edits.push([{ assignee_ids: assignees }, { assignees }]);
    }
    if (fields.priority !== undefined) edits.push([{ priority: fields.priority }, { priority: fields.priority }]);
    if (fields.targetDate !== undefined) {
      edits.push([{ target_date: fields.targetDate }, { target_date: fields.targetDate }]);
    }
    for (const [requested, values] of edits) {
      const issue = this.issue(id);
      const current = renderIssueForApp(this.ctx, issue);
      this.store.updateIssue(issue, values, this.user.id);
      this.store.recordActivity('issue', issue.id, requested, current, this.user.id);
    }
    this.schedule();
  }

  async moveTo(id: string, state: string): Promise<void> {
    return this.update(id, { state });
  }

  async setLabels(id: string, labels: string[]): Promise<void> {
    return this.update(id, { labels });
  }

  async comment(issueId: string, html: string): Promise<CommentRow> {
    const issue = this.issue(issueId);
    const comment = this.store.createComment(issue, { comment_html: html }, this.user.id);
    this.store.recordActivity('issue_comment', comment.id, { comment_html: html }, null, this.user.id);
    this.schedule();
    return comment;
  }

  /** Edits a comment; the app stamps `edited_at` when the text changed. */
  async editComment(commentId: string, html: string): Promise<void> {
    const comment = this.store.liveComment(commentId);
    if (!comment) throw new Error(`fake plane: no comment ${commentId}`);
    const current = renderComment(this.ctx, comment);
    this.store.updateComment(comment, { comment_html: html }, this.user.id, true);
    this.store.recordActivity('issue_comment', comment.id, { comment_html: html }, current, this.user.id);
    this.schedule();
  }

  /** Soft-deletes the item (and its comments); Plane sends no webhook for this. */
  async deleteWorkItem(id: string): Promise<void> {
    this.store.deleteIssue(this.issue(id), this.user.id);
    this.schedule();
  }
}
