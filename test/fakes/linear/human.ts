import type { CommentRow, IssueRow, LinearStore, TeamRow, UserRow } from './store';

export interface HumanIssueFields {
  title?: string;
  /** Markdown as typed in the editor (Linear stores its own rewrite of it). */
  description?: string;
  /** State name. */
  state?: string;
  /** Label names (replace the issue's labels); a name the team lacks is created, as typing it in the picker does. */
  labels?: string[];
  /** Display name of a member, or null to unassign. */
  assignee?: string | null;
  /** Linear's 0 none, 1 urgent .. 4 low. */
  priority?: number;
  parentId?: string | null;
  dueDate?: string | null;
}

/**
 * What a person does in Linear's app, for tests: it writes through the store
 * (the app's own sync, not the public API), each save moving `updatedAt` and
 * sending the webhook Linear sends for it. Webhooks are posted asynchronously:
 * await `fake.flushWebhooks()` to see them.
 */
export class HumanActions {
  constructor(
    private readonly store: LinearStore,
    private readonly team: TeamRow,
    readonly user: UserRow,
    private readonly schedule: () => void,
  ) {}

  private issue(id: string): IssueRow {
    const issue = this.store.liveIssue(id);
    if (!issue) throw new Error(`fake linear: no issue ${id}`);
    return issue;
  }

  private values(fields: HumanIssueFields): Partial<IssueRow> {
    const out: Partial<IssueRow> = {};
    if (fields.title !== undefined) out.title = fields.title;
    if (fields.description !== undefined) out.description = fields.description;
    if (fields.state !== undefined) {
      const state = this.store.teamStates(this.team.id).find((s) => s.name === fields.state);
      if (!state) throw new Error(`fake linear: no state "${fields.state}"`);
      out.stateId = state.id;
    }
    if (fields.labels !== undefined) {
      out.labelIds = fields.labels.map(
        (name) =>
          (this.store.teamLabels(this.team.id).find((l) => l.name === name) ?? this.store.addLabel(this.team.id, name))
            .id,
      );
    }
    if (fields.assignee !== undefined) {
      if (fields.assignee === null) out.assigneeId = null;
      else {
        const user = this.store.users.find((u) => u.displayName === fields.assignee && this.team.memberIds.has(u.id));
        if (!user) throw new Error(`fake linear: "${fields.assignee}" is not on the team`);
        out.assigneeId = user.id;
      }
    }
    if (fields.priority !== undefined) out.priority = fields.priority;
    if (fields.parentId !== undefined) out.parentId = fields.parentId;
    if (fields.dueDate !== undefined) out.dueDate = fields.dueDate;
    return out;
  }

  async createIssue(fields: HumanIssueFields & { title: string }): Promise<IssueRow> {
    const issue = this.store.createIssue(
      { ...this.values(fields), teamId: this.team.id, title: fields.title },
      this.user.id,
    );
    this.schedule();
    return issue;
  }

  /** One save in the issue's page, with every given field. */
  async update(id: string, fields: HumanIssueFields): Promise<void> {
    this.store.updateIssue(this.issue(id), this.values(fields), this.user.id);
    this.schedule();
  }

  async comment(issueId: string, markdown: string): Promise<CommentRow> {
    const comment = this.store.createComment(this.issue(issueId), markdown, this.user.id);
    this.schedule();
    return comment;
  }

  async editComment(commentId: string, markdown: string): Promise<void> {
    const comment = this.store.comments.get(commentId);
    if (!comment) throw new Error(`fake linear: no comment ${commentId}`);
    this.store.updateComment(comment, markdown, this.user.id);
    this.schedule();
  }

  /** Delete moves the issue to the trash. */
  async deleteIssue(id: string): Promise<void> {
    this.store.trashIssue(this.issue(id), this.user.id);
    this.schedule();
  }
}
