import { z } from 'zod';
import {
  allowedPolicies,
  DEFAULT_OWNERSHIP_RULES,
  defaultPolicyFor,
  MERGEABLE_FIELDS,
  OWNERS,
  POLICIES,
  type FieldRule,
  type Owner,
  type Policy,
} from '../../../shared/ownership';
import type { TaskField } from '../../../shared/task';
import type { Problem } from '../../../shared/validation';
import { formatPath } from '../../../shared/validation';
import {
  cronSchema,
  envName,
  httpUrl,
  durationSchema,
  list,
  nonEmpty,
  positiveInt,
  secretRefSchema,
  slug,
  stringList,
  unlessMissing,
} from './blocks';
import { boardConfigSchema, boardModule, KNOWN_BOARD_KEYS } from '../boards';
import { CURRENT_CONFIG_VERSION } from './migrate';

export { parseDuration } from './duration';
export { cronProblem } from './cron';
export { COLUMN_ROLES, type ColumnRole, durationSchema, secretRefSchema } from './blocks';

/** The task fields ownership covers (see design/sync.md). */
export const OWNERSHIP_FIELDS = [
  'title',
  'description',
  'assignee',
  'priority',
  'status',
  'labels',
  'agent_notes',
  'due_date',
] as const;
export type OwnershipField = (typeof OWNERSHIP_FIELDS)[number];

/**
 * Config keys are snake_case, task fields camelCase. Owners, policies and which
 * owner may use which policy come from shared/ownership, the same rules the
 * engine and the ownership editor apply, so `deckhand check` accepts exactly
 * what `serve` will.
 */
export const OWNERSHIP_TASK_FIELDS = {
  title: 'title',
  description: 'description',
  assignee: 'assignee',
  priority: 'priority',
  status: 'status',
  labels: 'labels',
  agent_notes: 'agentNotes',
  due_date: 'dueDate',
} as const satisfies Record<OwnershipField, TaskField>;

export { OWNERS, type Owner };
/** The conflict policies, as in shared/ownership. */
export const CONFLICT_POLICIES = POLICIES;
export type ConflictPolicy = Policy;

/** Who owns a field and how a conflict on it is settled (the engine's `FieldRule`). */
export type FieldOwnership = FieldRule;
export type Ownership = Record<OwnershipField, FieldOwnership>;

export const WORKFLOWS = ['pickup', 'breakdown', 'digest'] as const;
export type Workflow = (typeof WORKFLOWS)[number];

export const PROVIDER_TYPES = ['command', 'openai', 'anthropic', 'demo', 'mcp'] as const;

/**
 * The policy a shorthand owner (`title: human`) implies. Only labels are a set,
 * so only labels default to a three-way merge when shared.
 */
export function defaultPolicy(field: OwnershipField, owner: Owner): ConflictPolicy {
  return defaultPolicyFor(OWNERSHIP_TASK_FIELDS[field], owner);
}

function ownershipDefaults(): Ownership {
  const out = {} as Ownership;
  for (const field of OWNERSHIP_FIELDS) out[field] = { ...DEFAULT_OWNERSHIP_RULES[OWNERSHIP_TASK_FIELDS[field]] };
  return out;
}

/**
 * The default sync schema from design/sync.md (taken from shared/ownership),
 * used when a config leaves a field out. `due_date` is not in that table; it
 * is a human's field, like priority. Frozen, because every loaded config
 * starts from it.
 */
export const DEFAULT_OWNERSHIP: Readonly<{ [F in OwnershipField]: Readonly<FieldOwnership> }> = Object.freeze(
  Object.fromEntries(Object.entries(ownershipDefaults()).map(([k, v]) => [k, Object.freeze(v)])) as Ownership,
);

/** A fresh, mutable copy of the defaults. */
export function defaultOwnership(): Ownership {
  return ownershipDefaults();
}

// ---------------------------------------------------------------------------
// Ownership

function fieldOwnershipSchema(field: OwnershipField) {
  const taskField = OWNERSHIP_TASK_FIELDS[field];
  const shape = z
    .object(
      {
        owner: z.enum(OWNERS, { error: unlessMissing(`expected one of: ${list(OWNERS)}`) }),
        policy: z.enum(POLICIES, { error: `expected one of: ${list(POLICIES)}` }).optional(),
      },
      {
        error: (iss) =>
          iss.code === 'invalid_type' ? `expected ${OWNERS.join(' | ')}, or { owner, policy }` : undefined,
      },
    )
    .strict()
    .superRefine((rule, ctx) => {
      if (rule.policy === undefined) return;
      const allowed = allowedPolicies(taskField, rule.owner);
      if (allowed.includes(rule.policy)) return;
      const message =
        rule.policy === 'merge' && !MERGEABLE_FIELDS.includes(taskField)
          ? `merge is only valid for labels (a set); for ${field} use one of: ${list(allowed)}`
          : `a field owned by ${rule.owner} settles conflicts with ${allowed.join(' or ')}, not ${rule.policy}`;
      ctx.addIssue({ code: 'custom', path: ['policy'], message });
    });
  return z
    .preprocess((value) => (typeof value === 'string' ? { owner: value } : value), shape)
    .transform((v): FieldOwnership => ({ owner: v.owner, policy: v.policy ?? defaultPolicy(field, v.owner) }));
}

/**
 * Field → owner (`human`, `ai`, `shared`) or `{ owner, policy }`. Fields left out
 * keep their default, so the parsed value always covers every field.
 */
export const ownershipSchema = z
  .object({
    title: fieldOwnershipSchema('title').optional(),
    description: fieldOwnershipSchema('description').optional(),
    assignee: fieldOwnershipSchema('assignee').optional(),
    priority: fieldOwnershipSchema('priority').optional(),
    status: fieldOwnershipSchema('status').optional(),
    labels: fieldOwnershipSchema('labels').optional(),
    agent_notes: fieldOwnershipSchema('agent_notes').optional(),
    due_date: fieldOwnershipSchema('due_date').optional(),
  } satisfies Record<OwnershipField, unknown>)
  .strict()
  .transform((given): Ownership => {
    const out = defaultOwnership();
    for (const field of OWNERSHIP_FIELDS) {
      const value = given[field];
      if (value) out[field] = value;
    }
    return out;
  });

// ---------------------------------------------------------------------------
// Agents

const commandProviderSchema = z
  .object({
    type: z.literal('command'),
    /** Program and arguments, never a shell line, so nothing in a task can be interpreted by a shell. */
    command: z
      .array(nonEmpty, {
        error: (iss) =>
          iss.code === 'invalid_type' && typeof iss.input === 'string'
            ? 'expected a list: the program and its arguments, like ["./agents/research.sh", "--fast"]'
            : undefined,
      })
      .min(1, 'must name the program to run'),
    /** Working directory; relative paths are resolved against the config file's folder when loaded from a file. */
    cwd: nonEmpty.optional(),
    timeout: durationSchema.optional(),
    env: z
      .record(
        envName,
        z.union([z.string(), secretRefSchema], {
          error: unlessMissing('expected a string, or a secret as { keychain: NAME } or { env: NAME }'),
        }),
      )
      .optional(),
  })
  .strict();

/** Settings every LLM provider takes. */
const usdPerMillion = z.number().nonnegative('must be 0 or more');

const llmCallSettings = {
  /** The whole call, streaming or not; a call that runs over is a failed attempt, retried per policy. Default 5m. */
  timeout: durationSchema.optional(),
  /** Ask for the answer as a stream (SSE) instead of one body. Default false. */
  stream: z.boolean().optional(),
  /** USD per million tokens, so runs show a cost and `budget.cost_per_day` applies. Without it cost is unknown. */
  price: z.object({ input: usdPerMillion, output: usdPerMillion }).strict().optional(),
};

const openaiProviderSchema = z
  .object({
    type: z.literal('openai'),
    base_url: httpUrl,
    model: nonEmpty,
    /** Optional: local servers such as Ollama need no key. */
    api_key: secretRefSchema.optional(),
    ...llmCallSettings,
  })
  .strict();

const anthropicProviderSchema = z
  .object({
    type: z.literal('anthropic'),
    model: nonEmpty,
    api_key: secretRefSchema,
    base_url: httpUrl.optional(),
    ...llmCallSettings,
  })
  .strict();

const demoProviderSchema = z.object({ type: z.literal('demo') }).strict();

/**
 * An agent driven from outside (Claude Code, Codex, Cursor, Gemini CLI) over MCP
 * (docs/mcp.md). Deckhand runs nothing for it; `token` is the bearer token the
 * client authenticates with, kept in the keychain or, on a server, an env var.
 */
const mcpProviderSchema = z.object({ type: z.literal('mcp'), token: secretRefSchema }).strict();

const providerSchema = z.discriminatedUnion(
  'type',
  [commandProviderSchema, openaiProviderSchema, anthropicProviderSchema, demoProviderSchema, mcpProviderSchema],
  {
    error: (iss) => {
      if (iss.code !== 'invalid_union') return undefined;
      const input = iss.input as { type?: unknown } | undefined;
      const type = input && typeof input === 'object' ? input.type : undefined;
      return type === undefined
        ? `required; one of: ${list(PROVIDER_TYPES)}`
        : `unknown provider type; expected one of: ${list(PROVIDER_TYPES)}`;
    },
  },
);

const routesSchema = z
  .object({
    /** A task matches when it carries any of these labels. */
    labels: stringList.default(() => []),
    /** A task matches when it is in any of these columns (a role such as `todo`, or a column name). */
    columns: stringList.default(() => []),
    /** A task carrying any of these labels is never touched, whatever else matches. */
    exclude_labels: stringList.default(() => []),
  })
  .strict();

/** How a run waiting for a person resumes: on their answer alone, or once they also moved the task back. */
export const RESUME_ON = ['answer', 'answer_and_move'] as const;
export type ResumeOnSetting = (typeof RESUME_ON)[number];

/**
 * Runtime behaviour an agent can set for itself, or every agent through
 * `agent_defaults` (an agent's own value wins).
 */
const agentRuntimeSettings = {
  /** `answer_and_move` (default): a written answer plus moving the task out of the blocked column; `answer`: either. */
  resume_on: z.enum(RESUME_ON).optional(),
  /** A question unanswered this long raises one notification. Default 24h. */
  question_timeout: durationSchema.optional(),
  /** Another instance's claim label on a task older than this is stale and removed. Default 2h. */
  claim_stale_after: durationSchema.optional(),
};

/** Defaults for every agent; each key can be set again on an agent. */
export const agentDefaultsSchema = z.object(agentRuntimeSettings).strict();
export type AgentDefaultsConfig = z.output<typeof agentDefaultsSchema>;

export const CONCURRENCY_RANGE = { min: 1, max: 64 } as const;
const CONCURRENCY_RANGE_MESSAGE = `must be a whole number between ${CONCURRENCY_RANGE.min} and ${CONCURRENCY_RANGE.max}`;

/** An MCP agent works tasks like a pickup agent (its client decides how), so `workflow` may be left out. */
function mcpWorkflowDefault(raw: unknown): unknown {
  if (!isRecord(raw) || raw.workflow !== undefined) return raw;
  const provider = raw.provider;
  return isRecord(provider) && provider.type === 'mcp' ? { ...raw, workflow: 'pickup' } : raw;
}

const agentObjectSchema = z
  .object({
    id: slug,
    role: nonEmpty.optional(),
    board: nonEmpty,
    workflow: z.enum(WORKFLOWS),
    routes: routesSchema.prefault(() => ({})),
    provider: providerSchema,
    /** 5-field cron, local time; digest agents only. Absent means the workflow's default (09:00). */
    schedule: cronSchema.optional(),
    digest: z.object({ assign_to: nonEmpty }).strict().optional(),
    /** Where a finished task goes: a column role such as `review`, or a column name. */
    on_done: z.object({ move_to: nonEmpty }).strict().optional(),
    /** Runs at a time. Each run is a process; more than 64 on one machine is a typo, not a plan. */
    concurrency: z
      .int(CONCURRENCY_RANGE_MESSAGE)
      .min(CONCURRENCY_RANGE.min, CONCURRENCY_RANGE_MESSAGE)
      .max(CONCURRENCY_RANGE.max, CONCURRENCY_RANGE_MESSAGE)
      .default(1),
    /** Reaching a limit pauses the agent with a reason. */
    budget: z
      .object({
        runs_per_day: positiveInt.optional(),
        tokens_per_day: positiveInt.optional(),
        cost_per_day: z.number().positive('must be more than 0').optional(),
      })
      .strict()
      .optional(),
    prompt: nonEmpty.optional(),
    ...agentRuntimeSettings,
  })
  .strict();

/** One agent, exactly as `agents:` in a config file takes it; the UI's agent editor is validated by it too. */
export const agentSchema = z.preprocess(mcpWorkflowDefault, agentObjectSchema);

// ---------------------------------------------------------------------------
// The whole file

/**
 * The structure of a config file at the current version, field by field.
 * Cross-field rules (unique ids, agents naming real boards, ...) live in
 * `crossFieldProblems`, because zod skips refinements once a field fails and
 * `deckhand check` must report every problem in one go. Use `configSchema` or
 * `validateConfig` unless you are combining the two yourself.
 */
export const configShape = z
  .object({
    schema_version: z.literal(CURRENT_CONFIG_VERSION),
    boards: z
      .array(boardConfigSchema, {
        error: (iss) => (iss.code === 'invalid_type' ? unlessMissing('expected a list of boards')(iss) : undefined),
      })
      .min(1, 'declare at least one board; `- { id: home, type: local }` is the built-in local board'),
    ownership: ownershipSchema.prefault(() => ({})),
    /** Runtime settings for every agent (resume_on, question_timeout, claim_stale_after). */
    agent_defaults: agentDefaultsSchema.optional(),
    agents: z
      .array(agentSchema, {
        error: (iss) => (iss.code === 'invalid_type' ? unlessMissing('expected a list of agents')(iss) : undefined),
      })
      .default(() => []),
  })
  .strict();

/** A validated config: durations in milliseconds, ownership complete, secrets still references. */
export type DeckhandConfig = z.output<typeof configShape>;
export type BoardConfig = DeckhandConfig['boards'][number];
export { BOARD_MODULES, SUPPORTED_BOARD_TYPES, type BoardType } from '../boards';
export type AgentConfig = DeckhandConfig['agents'][number];
export type ProviderConfig = AgentConfig['provider'];

interface CrossIssue {
  path: (string | number)[];
  message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function crossFieldIssues(raw: unknown): CrossIssue[] {
  const issues: CrossIssue[] = [];
  if (!isRecord(raw)) return issues;

  const boardIds: string[] = [];
  const seenBoards = new Map<string, number>();
  asList(raw.boards).forEach((board, i) => {
    if (!isRecord(board)) return;
    if (typeof board.type === 'string' && !boardModule(board.type)) {
      for (const key of Object.keys(board)) {
        if (!KNOWN_BOARD_KEYS.has(key)) issues.push({ path: ['boards', i, key], message: 'unknown key' });
      }
    }
    if (typeof board.id === 'string') {
      const first = seenBoards.get(board.id);
      if (first === undefined) {
        seenBoards.set(board.id, i);
        boardIds.push(board.id);
      } else {
        issues.push({ path: ['boards', i, 'id'], message: `duplicate board id "${board.id}" (also boards[${first}])` });
      }
    }
  });

  const seenAgents = new Map<string, number>();
  asList(raw.agents).forEach((agent, i) => {
    if (!isRecord(agent)) return;
    if (typeof agent.id === 'string') {
      const first = seenAgents.get(agent.id);
      if (first === undefined) seenAgents.set(agent.id, i);
      else
        issues.push({ path: ['agents', i, 'id'], message: `duplicate agent id "${agent.id}" (also agents[${first}])` });
    }
    if (typeof agent.board === 'string' && !seenBoards.has(agent.board)) {
      const known = boardIds.length > 0 ? list(boardIds) : '(none)';
      issues.push({ path: ['agents', i, 'board'], message: `unknown board "${agent.board}"; boards are: ${known}` });
    }
    const isMcp = isRecord(agent.provider) && agent.provider.type === 'mcp';
    const workflow = agent.workflow ?? (isMcp ? 'pickup' : undefined);
    if (isMcp && workflow === 'digest') {
      issues.push({
        path: ['agents', i, 'workflow'],
        message: 'an MCP agent works tasks (pickup or breakdown); a digest needs a provider Deckhand runs itself',
      });
    }
    const routes = isRecord(agent.routes) ? agent.routes : {};
    const labels = asList(routes.labels);
    if (
      (workflow === 'pickup' || workflow === 'breakdown') &&
      labels.length === 0 &&
      asList(routes.columns).length === 0
    ) {
      issues.push({
        path: ['agents', i, 'routes'],
        message: `a ${workflow} agent needs routes.labels or routes.columns to know which tasks are its own`,
      });
    }
    asList(routes.exclude_labels).forEach((label, j) => {
      if (typeof label === 'string' && labels.includes(label)) {
        issues.push({
          path: ['agents', i, 'routes', 'exclude_labels', j],
          message: `"${label}" is also in routes.labels; a label cannot both route and exclude`,
        });
      }
    });
    if (workflow === 'digest') {
      for (const key of ['resume_on', 'question_timeout', 'claim_stale_after'] as const) {
        if (agent[key] !== undefined) {
          issues.push({
            path: ['agents', i, key],
            message: 'not used by workflow: digest (a digest agent claims no task and waits for no answer)',
          });
        }
      }
    }
    if (typeof workflow === 'string' && workflow !== 'digest') {
      for (const key of ['digest', 'schedule'] as const) {
        if (agent[key] !== undefined) {
          issues.push({
            path: ['agents', i, key],
            message: `only used by workflow: digest (this agent's workflow is ${workflow})`,
          });
        }
      }
    }
  });
  return issues;
}

/**
 * Rules that span fields: unique board and agent ids, agents naming a declared
 * board, url where a board type needs one, routes for pickup and breakdown
 * agents, digest settings only on digest agents. Works on raw (even broken)
 * input so these problems are reported alongside field errors, not after them.
 */
export function crossFieldProblems(raw: unknown): Problem[] {
  return crossFieldIssues(raw).map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** The full current-version schema: structure plus cross-field rules. */
export const configSchema = configShape.superRefine((config, ctx) => {
  for (const issue of crossFieldIssues(config)) ctx.addIssue({ code: 'custom', ...issue });
});

function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return 'text';
  if (typeof input === 'number') return Number.isInteger(input) ? 'a whole number' : 'a number';
  return `a ${typeof input}`;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
};

/**
 * Friendlier wording for zod's generic issues ("required", "expected a list,
 * got text"). Values are not echoed, except a short one for enum mistakes,
 * so a pasted secret in the wrong place does not end up in logs.
 */
export const configErrorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'required';
      return `expected ${EXPECTED[iss.expected] ?? iss.expected}, got ${describeInput(iss.input)}`;
    case 'invalid_value': {
      const options = iss.values.map((v) => String(v));
      const got = typeof iss.input === 'string' && iss.input.length <= 40 ? `, got "${iss.input}"` : '';
      return options.length === 1 ? `expected ${options[0]}${got}` : `expected one of: ${list(options)}${got}`;
    }
    case 'too_small':
      if (iss.origin === 'array' || iss.origin === 'string') return 'must not be empty';
      return undefined;
    case 'invalid_key':
      // The key's own check says what is wrong with it (an env name, say); keep its message.
      return iss.issues[0]?.message ?? 'invalid key';
    default:
      return undefined;
  }
};
