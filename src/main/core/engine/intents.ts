import { z } from 'zod';
import { newTaskSchema, taskPatchSchema } from '../../../shared/contract';
import type { FieldPatch, TaskFields } from '../../../shared/task';
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

export const intentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('update'), taskId: z.string().min(1), patch: taskPatchSchema, ...common }).strict(),
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
   * The `set` fields as the writer saw them when the intent was made (the base, with
   * earlier queued writes to the task applied): the merge base at delivery. The base
   * may have moved on by then, and a person's edit synced in between must count as
   * their change, not as the base an older intent may overwrite.
   */
  seen?: Omit<FieldPatch, 'labels'>;
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
  const { reason: _reason, actor: _actor, ...identity } = intent;
  return sha256(canonicalJson(identity));
}

/** A short marker stored on created tasks and comments; a retry finds it before sending again. */
export function markerFor(idemKey: string): string {
  return `dh-${idemKey.slice(0, 20)}`;
}
