import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { AgentConfig } from '../config';
import { createLogger } from '../logger';
import { VERSION } from '../version';
import { ToolRefusal } from './refusal';
import type { McpWork } from './work';

const log = createLogger('mcp');

const taskId = z.string().min(1).max(200).describe('The task id, as list_my_work shows it');
/** Every write takes these: the retry key and the why that goes in the sync log. */
const writeMeta = {
  request_id: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('Your id for this call; sending the same id again is a retry and acts once'),
  reason: z.string().max(500).optional().describe('Why, in a sentence: shown to people in the sync log'),
};

const pending = z.object({ question: z.string(), askedAt: z.string().nullable() }).nullable();

const effect = z.object({
  kind: z.enum(['update', 'comment', 'create']),
  step: z.string(),
  state: z.enum(['done', 'pending', 'parked', 'not-queued']),
  duplicate: z.boolean(),
  taskId: z.string().optional(),
  kept: z.array(z.object({ field: z.string(), reason: z.string() })),
  conflicts: z.array(z.object({ field: z.string(), conflictId: z.number() })),
  error: z.string().optional(),
});

/** ask_person's longest wait: clients' tool calls time out, and a person may take hours (then get_task has it). */
const MAX_ASK_WAIT_SECONDS = 600;

const writeReport = {
  taskId: z.string(),
  effects: z.array(effect).describe('Each write: on the board (done), queued (pending), or refused by the board'),
  changedSinceRead: z
    .string()
    .nullable()
    .describe('What a person changed since your last get_task; their edit was kept where the field policy says so'),
};

const rule = z.object({ owner: z.enum(['human', 'ai', 'shared']), policy: z.string(), agentMayWrite: z.boolean() });
const ownership = z
  .record(z.string(), rule)
  .describe('Who owns each field; agents may not write fields owned by human');

const listOutput = z.object({
  board: z.string(),
  tasks: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      status: z.string(),
      labels: z.array(z.string()),
      claimedByMe: z.boolean(),
      claimedBy: z.string().optional(),
      claimable: z.boolean(),
      why: z.string(),
      waitingOnPerson: pending,
      answer: z.string().nullable(),
    }),
  ),
});

const getOutput = z.object({
  task: z.object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    status: z.string(),
    labels: z.array(z.string()),
    assignee: z.string().nullable(),
    priority: z.number(),
    agentNotes: z.string(),
    parentId: z.string().nullable(),
    dueDate: z.string().nullable(),
    updatedAt: z.string(),
  }),
  comments: z.array(z.object({ id: z.string(), author: z.string(), body: z.string(), createdAt: z.string() })),
  claimedByMe: z.boolean(),
  waitingOnPerson: pending,
  answer: z.string().nullable().describe("A person's answer to your ask_person question, once they replied"),
  ownership,
});

const rulesOutput = z.object({
  agent: z.string(),
  board: z.string(),
  ownership,
  columns: z.object({ names: z.array(z.string()), roles: z.record(z.string(), z.string().nullable()) }),
  routes: z.object({ labels: z.array(z.string()), columns: z.array(z.string()), excludeLabels: z.array(z.string()) }),
  budget: z.looseObject({ day: z.string(), runs: z.number() }),
  paused: z.object({ by: z.string(), reason: z.string(), at: z.string().nullable() }).nullable(),
  onDone: z.string(),
});

const READ: ToolAnnotations = {
  readOnlyHint: true,
  idempotentHint: true,
  destructiveHint: false,
  openWorldHint: false,
};
/** Writes are idempotent (a retry acts once) and change only the agent's own task. */
const WRITE: ToolAnnotations = {
  readOnlyHint: false,
  idempotentHint: true,
  destructiveHint: false,
  openWorldHint: false,
};

/** The result a client gets: the structured value, and the same as text for clients that only read text. */
function ok(value: object): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(value) }],
    structuredContent: value as Record<string, unknown>,
  };
}

function failed(error: Record<string, unknown>): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: JSON.stringify({ error }) }], structuredContent: { error } };
}

async function answer(tool: string, agent: AgentConfig, run: () => Promise<object>): Promise<CallToolResult> {
  try {
    return ok(await run());
  } catch (err) {
    if (err instanceof ToolRefusal) return failed(err.toJSON());
    log.error(`MCP ${tool} for ${agent.id} failed`, err);
    return failed({ code: 'internal', message: err instanceof Error ? err.message : String(err) });
  }
}

/** The tools one agent sees. Few on purpose: every tool's description costs the client's context. */
export function mcpServerFor(agent: AgentConfig, work: McpWork): McpServer {
  const server = new McpServer(
    { name: 'deckhand', version: VERSION },
    {
      instructions:
        `You are agent "${agent.id}" on board "${agent.board}". Start with list_my_work, claim_task before changing ` +
        'a task, get_task to read it (your writes are merged against that read), and release_task when finished. ' +
        'Fields owned by people are refused; board_rules says which.',
    },
  );
  const meta = (a: { request_id?: string | undefined; reason?: string | undefined }) => ({
    requestId: a.request_id,
    reason: a.reason,
  });

  server.registerTool(
    'list_my_work',
    {
      title: 'List my work',
      description:
        'Tasks routed to you on the board, with their status, whether you hold them, and any question of yours ' +
        'still waiting on a person (or its answer).',
      inputSchema: { include_done: z.boolean().optional().describe('Also list routed tasks already done') },
      outputSchema: listOutput,
      annotations: READ,
    },
    (a) => answer('list_my_work', agent, () => work.listWork(agent, { includeDone: a.include_done === true })),
  );

  server.registerTool(
    'get_task',
    {
      title: 'Get a task',
      description:
        'One task fresh from the board: fields, comments, agent notes, who owns each field, and the answer to your ' +
        'question if a person replied. Your later writes are based on this read.',
      inputSchema: { task_id: taskId },
      outputSchema: getOutput,
      annotations: READ,
    },
    (a) => answer('get_task', agent, () => work.getTask(agent, a.task_id)),
  );

  server.registerTool(
    'board_rules',
    {
      title: 'What the board allows me',
      description:
        'The ownership rules (which fields you may write), the columns by role, your routes, budget and pause.',
      inputSchema: {},
      outputSchema: rulesOutput,
      annotations: READ,
    },
    () => answer('board_rules', agent, () => work.boardRules(agent)),
  );

  server.registerTool(
    'claim_task',
    {
      title: 'Claim a task',
      description:
        'Takes a routed task for you: moves it to the working column with your claim label and re-reads to confirm. ' +
        'Needed before any write. Refused when another agent holds it, or you are paused or over budget.',
      inputSchema: { task_id: taskId, ...writeMeta },
      outputSchema: {
        taskId: z.string(),
        claimed: z.boolean(),
        alreadyHeld: z.boolean(),
        run: z.number(),
        status: z.string(),
      },
      annotations: WRITE,
    },
    (a) => answer('claim_task', agent, () => work.claim(agent, a.task_id, meta(a))),
  );

  server.registerTool(
    'release_task',
    {
      title: 'Release a task',
      description:
        'Gives the task back: removes your claim label, optionally moves it (a role like review or done, or a ' +
        'column name). Call it when you are finished.',
      inputSchema: {
        task_id: taskId,
        move_to: z.string().min(1).max(200).optional().describe('A column role (review, done, todo, ...) or name'),
        ...writeMeta,
      },
      outputSchema: { ...writeReport, released: z.boolean() },
      annotations: WRITE,
    },
    (a) => answer('release_task', agent, () => work.release(agent, a.task_id, a.move_to, meta(a))),
  );

  server.registerTool(
    'write_notes',
    {
      title: 'Write agent notes',
      description: "Replaces the task's agent notes (your result, in Markdown) with these, signed with your id.",
      inputSchema: { task_id: taskId, notes: z.string().min(1).max(60_000), ...writeMeta },
      outputSchema: writeReport,
      annotations: { ...WRITE, destructiveHint: true },
    },
    (a) => answer('write_notes', agent, () => work.writeNotes(agent, a.task_id, a.notes, meta(a))),
  );

  server.registerTool(
    'set_status',
    {
      title: 'Set status',
      description:
        'Moves your task to a column, by role (todo, working, review, blocked, done) or by name. A person who ' +
        'moved it since your last read keeps it where they put it.',
      inputSchema: { task_id: taskId, status: z.string().min(1).max(200), ...writeMeta },
      outputSchema: { ...writeReport, unchanged: z.boolean().optional() },
      annotations: WRITE,
    },
    (a) => answer('set_status', agent, () => work.setStatus(agent, a.task_id, a.status, meta(a))),
  );

  server.registerTool(
    'comment',
    {
      title: 'Comment',
      description: 'Posts one comment on your task.',
      inputSchema: { task_id: taskId, body: z.string().min(1).max(60_000), ...writeMeta },
      outputSchema: writeReport,
      annotations: WRITE,
    },
    (a) => answer('comment', agent, () => work.comment(agent, a.task_id, a.body, meta(a))),
  );

  server.registerTool(
    'create_subtasks',
    {
      title: 'Create subtasks',
      description: 'Creates subtasks of your task, each with an estimate (like 2h or 1d), linked to it as parent.',
      inputSchema: {
        task_id: taskId,
        subtasks: z
          .array(
            z.object({
              title: z.string().min(1).max(500),
              estimate: z.string().min(1).max(50),
              description: z.string().max(20_000).optional(),
            }),
          )
          .min(1)
          .max(30),
        ...writeMeta,
      },
      outputSchema: { ...writeReport, created: z.array(z.string().nullable()) },
      annotations: WRITE,
    },
    (a) => answer('create_subtasks', agent, () => work.createSubtasks(agent, a.task_id, a.subtasks, meta(a))),
  );

  server.registerTool(
    'ask_person',
    {
      title: 'Ask a person',
      description:
        'Posts one question as a comment and moves the task to Blocked. With wait_seconds it waits that long for ' +
        "a person's reply and returns it as answer; otherwise (or when the time is up) it returns with waiting " +
        'true, and the answer shows in get_task and list_my_work once a person replies.',
      inputSchema: {
        task_id: taskId,
        question: z.string().min(1).max(10_000),
        notes: z.string().max(60_000).optional().describe('Your notes so far, written with the question'),
        wait_seconds: z
          .number()
          .int()
          .min(0)
          .max(MAX_ASK_WAIT_SECONDS)
          .optional()
          .describe(`How long to wait for the answer, at most ${MAX_ASK_WAIT_SECONDS} s; 0 or absent returns at once`),
        ...writeMeta,
      },
      outputSchema: {
        ...writeReport,
        waiting: z.boolean(),
        duplicate: z.boolean(),
        answer: z.string().nullable().describe("The person's answer, when it came within wait_seconds"),
      },
      annotations: WRITE,
    },
    (a) =>
      answer('ask_person', agent, () =>
        work.askPerson(agent, a.task_id, a.question, a.notes, meta(a), a.wait_seconds ?? 0),
      ),
  );

  return server;
}
