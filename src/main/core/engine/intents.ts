import { z } from 'zod';
import { newTaskSchema, taskPatchSchema } from '../../../shared/contract';
import { TASK_FIELDS, type FieldPatch, type Task, type TaskFields } from '../../../shared/task';
import { canonicalJson, sha256 } from './canonical-json';

/** An intent carries the same field shapes a person's edit has; ownership decides later what an agent may write. */
const common = {
  boardId: z.string().min(1),
  /** `agent:<id>` for agents, `human:<where>` for a person's conflict resolution. */
  actor: z.string().regex(/^(agent|human|system):?[\w.-]*$/),
  reason: z.string().max(2000).default(''),
  /**
   * Narrows idempotency to one run: the same run repeating an intent is a no-op,
   * while a later run may legitimately make the same change again.
   */
  scope: z.string().max(200).optional(),
};

/**
 * The task as the writer read it before deciding on its change. The merge at
 * delivery compares the board with this, so a person's edit made while an
 * agent thought counts as theirs, whatever the engine's base says by then.
 * Values are the board's own (not re-validated: a board may hold a title longer
 * than Deckhand lets an agent write).
 */
export const basisSchema = z
  .object({
    fields: z
      .object({
        title: z.string(),
        description: z.string(),
        status: z.string(),
        assignee: z.string().nullable(),
        priority: z.number(),
        labels: z.array(z.string()),
        agentNotes: z.string(),
        parentId: z.string().nullable(),
        dueDate: z.string().nullable(),
      })
      .partial()
      .strict(),
    /** The board's version of the task when it was read. */
    version: z.string().max(500).optional(),
    /** When it was read (ISO-8601). */
    readAt: z.string().max(40).optional(),
  })
  .strict();

export type Basis = z.output<typeof basisSchema>;

/** The basis of a task just read from the board. */
export function basisOf(task: Task, readAt = new Date()): Basis {
  const fields: Record<string, unknown> = {};
  for (const field of TASK_FIELDS) fields[field] = task[field];
  return { fields: fields as Basis['fields'], version: task.version, readAt: readAt.toISOString() };
}

export const intentSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('update'),
      taskId: z.string().min(1),
      patch: taskPatchSchema,
      /**
       * What the agent's change is based on. An agent's update must carry one, or say `blind`
       * (it read nothing), which only fields owned by AI allow. A person's resolution needs none.
       */
      basis: z.union([basisSchema, z.literal('blind')]).optional(),
      /**
       * Compare-and-set fields (workflow moves): written only while the board still holds the
       * basis value. A person's change since wins and the skipped write is logged; with `ask` it
       * opens a conflict instead.
       */
      onlyIfUnchanged: z.array(z.enum(TASK_FIELDS)).max(TASK_FIELDS.length).optional(),
      ...common,
    })
    .strict(),
  z
    .object({ kind: z.literal('comment'), taskId: z.string().min(1), body: z.string().min(1).max(65_000), ...common })
    .strict(),
  z
    .object({
      kind: z.literal('create'),
      fields: newTaskSchema,
      ...common,
    })
    .strict(),
]);

export type Intent = z.input<typeof intentSchema>;
export type ParsedIntent = z.output<typeof intentSchema>;

/** What an update entry stores: plain fields, and labels as a delta so a replay cannot resurrect a removed label. */
export interface UpdatePayload {
  set: Omit<FieldPatch, 'labels'>;
  labels?: { add: string[]; remove: string[] };
  /** A person's conflict resolution: written as-is, not clipped by ownership. */
  force?: boolean;
  /**
   * The written fields as the writer saw them: its basis (see basisSchema), with the
   * writer's own earlier queued writes to the task applied; for a blind write, the base
   * when it was queued. This is the merge base at delivery: the engine's base may have
   * moved on by then, and a person's edit synced in between counts as theirs, never as a
   * base the agent may overwrite.
   */
  seen?: FieldPatch;
  /** Compare-and-set fields: skipped (and logged) when the board no longer holds their `seen` value. */
  onlyIfUnchanged?: (keyof UpdatePayload['set'])[];
}

export interface CommentPayload {
  body: string;
  marker: string;
}

export interface CreatePayload {
  fields: Partial<TaskFields> & { title: string };
  marker: string;
}

/** The idempotency key: a hash of the board, task, action, scope and the canonical payload. */
export function idempotencyKey(intent: ParsedIntent): string {
  // The basis says what the change was made from, not what it is: a replay re-read later is the same effect.
  const { reason: _reason, actor: _actor, ...rest } = intent;
  const { basis: _basis, ...identity } = rest as typeof rest & { basis?: unknown };
  return sha256(canonicalJson(identity));
}

/** A short marker stored on created tasks and comments; a retry finds it before sending again. */
export function markerFor(idemKey: string): string {
  return `dh-${idemKey.slice(0, 20)}`;
}
