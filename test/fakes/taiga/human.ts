import type { StoryRow, TaigaStore, UserRow } from './store';

export interface HumanStoryFields {
  subject: string;
  description?: string;
  /** Status name as shown on the board ("In progress"). */
  status?: string;
  tags?: string[];
  /** Username, or null for nobody. */
  assignedTo?: string | null;
}

/**
 * What a person does in Taiga's web UI, for tests: the same model operations
 * the API runs, as that person, always with the story's current version (the
 * UI holds the fresh object), so each action bumps `version` and
 * `modified_date`, writes history and raises the webhooks the UI's request
 * would. The promise resolves once the change is committed; with the default
 * asynchronous webhooks, call `flushWebhooks()` to wait for their delivery.
 */
export class HumanActions {
  constructor(
    private readonly store: TaigaStore,
    readonly user: UserRow,
    private readonly commit: () => Promise<void>,
  ) {}

  private statusId(name: string): number {
    const status = this.store.statuses.find((s) => s.name === name);
    if (!status) throw new Error(`fake taiga: no user story status "${name}"`);
    return status.id;
  }

  private userId(username: string | null): number | null {
    if (username === null) return null;
    const user = this.store.userByName(username);
    if (!user) throw new Error(`fake taiga: no user "${username}"`);
    return user.id;
  }

  private story(id: number): StoryRow {
    const story = this.store.story(id);
    if (!story) throw new Error(`fake taiga: no user story ${id}`);
    return story;
  }

  private async patch(id: number, data: Record<string, unknown>): Promise<void> {
    this.story(id);
    this.store.updateStory(id, data, this.user, { occ: false });
    await this.commit();
  }

  /** The "new user story" form. Returns the story (its id, ref, version...). */
  async createStory(fields: HumanStoryFields): Promise<StoryRow> {
    const data: Record<string, unknown> = { project: this.store.project.id, subject: fields.subject };
    if (fields.description !== undefined) data.description = fields.description;
    if (fields.status !== undefined) data.status = this.statusId(fields.status);
    if (fields.tags !== undefined) data.tags = fields.tags;
    if (fields.assignedTo !== undefined) data.assigned_to = this.userId(fields.assignedTo);
    const story = this.store.createStory(data, this.user);
    await this.commit();
    return story;
  }

  /** Drags the card to another column. */
  async move(id: number, statusName: string): Promise<void> {
    await this.patch(id, { status: this.statusId(statusName) });
  }

  async setTags(id: number, tags: string[]): Promise<void> {
    await this.patch(id, { tags });
  }

  async edit(id: number, fields: { subject?: string; description?: string }): Promise<void> {
    await this.patch(id, { ...fields });
  }

  async assign(id: number, username: string | null): Promise<void> {
    await this.patch(id, { assigned_to: this.userId(username) });
  }

  /** Posts a comment; returns the history entry id (what edit_comment's `?id=` takes). */
  async comment(id: number, text: string): Promise<string> {
    await this.patch(id, { comment: text });
    const entry = this.store
      .visibleEntries('userstory', id)
      .filter((e) => e.comment !== '')
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    if (!entry) throw new Error('fake taiga: comment not recorded');
    return entry.id;
  }

  async editComment(id: number, entryId: string, text: string): Promise<void> {
    this.store.editComment('userstory', id, entryId, text, this.user);
    await this.commit();
  }

  async deleteComment(id: number, entryId: string): Promise<void> {
    this.store.deleteComment('userstory', id, entryId, this.user);
    await this.commit();
  }

  async delete(id: number): Promise<void> {
    this.story(id);
    this.store.deleteStory(id, this.user);
    await this.commit();
  }

  /** Adds a task under a story (Taiga's subtasks). Returns the task id. */
  async createTask(storyId: number, subject: string): Promise<number> {
    const task = this.store.createTask({ project: this.store.project.id, user_story: storyId, subject }, this.user);
    await this.commit();
    return task.id;
  }

  /** Moves a task to a task status by name ("Closed"). */
  async moveTask(taskId: number, statusName: string): Promise<void> {
    const status = this.store.taskStatuses.find((s) => s.name === statusName);
    if (!status) throw new Error(`fake taiga: no task status "${statusName}"`);
    this.store.updateTask(taskId, { status: status.id }, this.user, { occ: false });
    await this.commit();
  }
}
