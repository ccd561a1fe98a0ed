import type { KanboardStore, Session } from './store';

export interface HumanTaskFields {
  title?: string;
  description?: string;
  /** Column title. */
  column?: string;
  /** Username, or null to unassign. */
  assignee?: string | null;
  /** Kanboard's own priority value (the project's range, 0..3 by default). */
  priority?: number;
  tags?: string[];
  /** YYYY-MM-DD as typed into the date picker, or null to clear. */
  dueDate?: string | null;
}

/**
 * What a person does in Kanboard's web UI, for tests: the same models the API
 * uses, with that person as the author, and the resulting webhooks sent before
 * the promise resolves (as the UI's request would).
 */
export class HumanActions {
  constructor(
    private readonly store: KanboardStore,
    private readonly session: Session,
    private readonly flush: () => Promise<void>,
  ) {}

  private projectOf(taskId: number): number {
    const task = this.store.task(taskId);
    if (!task) throw new Error(`fake kanboard: no task ${taskId}`);
    return task.project_id;
  }

  private columnId(projectId: number, title: string): number {
    const column = this.store.projectColumns(projectId).find((c) => c.title === title);
    if (!column) throw new Error(`fake kanboard: no column "${title}" in project ${projectId}`);
    return column.id;
  }

  private ownerId(username: string | null | undefined): number {
    if (!username) return 0;
    const user = this.store.userByName(username);
    if (!user) throw new Error(`fake kanboard: no user "${username}"`);
    return user.id;
  }

  async createTask(projectId: number, fields: HumanTaskFields & { title: string }): Promise<number> {
    const id = this.store.createTask(
      {
        title: fields.title,
        project_id: projectId,
        description: fields.description ?? '',
        column_id: fields.column ? this.columnId(projectId, fields.column) : 0,
        owner_id: this.ownerId(fields.assignee),
        priority: fields.priority ?? 0,
        tags: fields.tags ?? [],
        date_due: fields.dueDate ? (this.store.parseDate(fields.dueDate) ?? 0) : 0,
      },
      this.session,
    );
    if (!id) throw new Error('fake kanboard: task creation failed');
    await this.flush();
    return id;
  }

  /** The task form: one update with the changed fields (tags replace the task's tags). */
  async updateTask(taskId: number, fields: HumanTaskFields): Promise<void> {
    const projectId = this.projectOf(taskId);
    const values: Record<string, unknown> = {};
    if (fields.title !== undefined) values.title = fields.title;
    if (fields.description !== undefined) values.description = fields.description;
    if (fields.assignee !== undefined) values.owner_id = this.ownerId(fields.assignee);
    if (fields.priority !== undefined) values.priority = fields.priority;
    if (fields.tags !== undefined) values.tags = fields.tags;
    if (fields.dueDate !== undefined) values.date_due = fields.dueDate ?? '';
    if (Object.keys(values).length > 0) this.store.updateTask(taskId, values, this.session);
    if (fields.column !== undefined) {
      this.store.moveTask(taskId, this.columnId(projectId, fields.column), 1, 0, this.session);
    }
    await this.flush();
  }

  async moveTask(taskId: number, column: string): Promise<void> {
    return this.updateTask(taskId, { column });
  }

  async closeTask(taskId: number): Promise<void> {
    this.store.setStatus(taskId, false, this.session);
    await this.flush();
  }

  async openTask(taskId: number): Promise<void> {
    this.store.setStatus(taskId, true, this.session);
    await this.flush();
  }

  async removeTask(taskId: number): Promise<void> {
    this.store.removeTask(taskId);
    await this.flush();
  }

  async comment(taskId: number, text: string): Promise<number> {
    const id = this.store.createComment(
      { task_id: taskId, user_id: this.session.user?.id ?? 0, comment: text, reference: '', visibility: 'app-user' },
      this.session,
    );
    if (!id) throw new Error('fake kanboard: comment failed');
    await this.flush();
    return id;
  }

  async editComment(commentId: number, text: string): Promise<void> {
    this.store.updateComment(commentId, text, this.session);
    await this.flush();
  }

  /** Adds an internal link as the task view's "Add internal link" does (label as shown, e.g. "is a child of"). */
  async link(taskId: number, otherId: number, label = 'is a child of'): Promise<void> {
    const link = this.store.links.find((l) => l.label === label);
    if (!link || this.store.createTaskLink(taskId, otherId, link.id, this.session) === false) {
      throw new Error(`fake kanboard: could not link ${taskId} ${label} ${otherId}`);
    }
    await this.flush();
  }

  async unlink(taskId: number, otherId: number): Promise<void> {
    for (const row of this.store.taskLinks.filter((l) => l.task_id === taskId && l.opposite_task_id === otherId)) {
      this.store.removeTaskLink(row.id, this.session);
    }
    await this.flush();
  }
}
