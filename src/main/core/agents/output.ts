import { z } from 'zod';
import type { AgentOutput, ProposedSubtask } from './types';

/** Bounds on what an agent may hand back, so one runaway answer cannot flood a board. */
export const OUTPUT_LIMITS = {
  notes: 50_000,
  question: 2_000,
  comment: 10_000,
  subtasks: 25,
  title: 200,
  estimate: 40,
  description: 5_000,
  status: 100,
} as const;

/**
 * The structured output asked of LLMs. Every key is required but nullable:
 * OpenAI's strict json_schema mode refuses optional properties, and a model
 * answering null is as clear as one leaving the key out.
 */
export const structuredOutputSchema = z.object({
  notes: z.string().describe('Your result for the task, in Markdown. Shown to people as the agent notes.'),
  question: z
    .string()
    .nullable()
    .describe('One specific question for a person, only if you cannot continue without their answer; else null.'),
  subtasks: z
    .array(
      z.object({
        title: z.string(),
        estimate: z.string().describe('How long it will take, like "2h" or "1d"'),
        description: z.string().nullable(),
      }),
    )
    .nullable()
    .describe('Only when asked to break work down: the subtasks, each with an estimate; else null.'),
});

const text = (max: number) =>
  z
    .string()
    .transform((s) => s.trim())
    .transform((s) => (s.length > max ? `${s.slice(0, max - 1)}…` : s));

const estimateValue = z.union([z.string(), z.number()]).transform((v) => (typeof v === 'number' ? `${v}h` : v.trim()));

/** Lenient: extra keys are ignored (a task description cannot add powers by adding fields). */
const subtaskSchema = z
  .object({
    title: text(OUTPUT_LIMITS.title).pipe(z.string().min(1)),
    estimate: estimateValue.optional(),
    estimate_hours: z.number().optional(),
    hours: z.number().optional(),
    description: text(OUTPUT_LIMITS.description).nullish(),
  })
  .transform((s): ProposedSubtask => {
    const hours = s.estimate_hours ?? s.hours;
    const estimate = s.estimate || (hours !== undefined ? `${hours}h` : 'unestimated');
    return {
      title: s.title,
      estimate: estimate.slice(0, OUTPUT_LIMITS.estimate),
      ...(s.description ? { description: s.description } : {}),
    };
  });

const looseOutputSchema = z.object({
  notes: text(OUTPUT_LIMITS.notes).nullish(),
  summary: text(OUTPUT_LIMITS.notes).nullish(),
  question: text(OUTPUT_LIMITS.question).nullish(),
  subtasks: z.array(subtaskSchema).max(OUTPUT_LIMITS.subtasks).nullish(),
  comment: text(OUTPUT_LIMITS.comment).nullish(),
  status: text(OUTPUT_LIMITS.status).nullish(),
});

export class OutputRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputRejected';
  }
}

/** Turns a parsed JSON value into an AgentOutput, or explains what is wrong with it. */
export function outputFromJson(value: unknown): AgentOutput {
  const parsed = looseOutputSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new OutputRejected(
      `the agent's JSON does not fit the protocol: ${first?.path.join('.') || '(top)'}: ${first?.message}`,
    );
  }
  const v = parsed.data;
  const out: AgentOutput = { notes: v.notes ?? v.summary ?? '' };
  if (v.question) out.question = v.question;
  if (v.subtasks && v.subtasks.length > 0) out.subtasks = v.subtasks;
  if (v.comment) out.comment = v.comment;
  if (v.status) out.status = v.status;
  if (!out.notes && !out.question && !out.subtasks) {
    throw new OutputRejected('the agent returned JSON without notes, a question or subtasks');
  }
  return out;
}

/** A JSON object in the text: the whole text, or one fenced ```json block. */
function jsonObjectIn(raw: string): unknown {
  const trimmed = raw.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n```$/i.exec(trimmed);
  const candidate = fenced ? fenced[1]!.trim() : trimmed;
  if (!candidate.startsWith('{') || !candidate.endsWith('}')) return undefined;
  try {
    const value: unknown = JSON.parse(candidate);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads what a command printed or a model wrote: a JSON object following the
 * protocol, or else plain text, which becomes the notes. Empty output is an error,
 * never silently "done".
 */
export function parseAgentText(raw: string): AgentOutput {
  const json = jsonObjectIn(raw);
  if (json !== undefined) return outputFromJson(json);
  const notes = raw.trim();
  if (!notes) throw new OutputRejected('the agent produced no output');
  return { notes: notes.length > OUTPUT_LIMITS.notes ? `${notes.slice(0, OUTPUT_LIMITS.notes - 1)}…` : notes };
}
