import type { SyncLogEntry } from '../../../../shared/model';
import type { LogRepo } from '../../store/log-repo';
import type { BaseRepo } from '../../store/base-repo';
import type { RunContext } from '../run-context';
import type { RunRepo } from '../run-repo';
import type { AgentOutput, DigestFacts } from '../types';
import type { RunPlan } from './plan';

const DAY_MS = 24 * 60 * 60_000;
const MAX_EVENTS = 200;

/** Log actions worth a line in a digest: what people and agents did to tasks, not the engine's housekeeping. */
const NOTABLE = new Set([
  'task.discovered',
  'task.created',
  'task.deleted',
  'field.changed',
  'field.written',
  'comment.added',
  'conflict.opened',
  'conflict.resolved',
  'agent.run.done',
  'agent.run.failed',
  'agent.run.waiting',
  'agent.run.answered',
]);

function line(entry: SyncLogEntry, title: (id: string) => string): string {
  const time = entry.at.slice(11, 16);
  const task = entry.taskId ? ` "${title(entry.taskId)}"` : '';
  const field = entry.field ? ` ${entry.field}` : '';
  const change =
    entry.field && entry.field !== 'agentNotes' && entry.field !== 'description'
      ? ` ${JSON.stringify(entry.before ?? null)} → ${JSON.stringify(entry.after ?? null)}`
      : '';
  return `${time} ${entry.actor} ${entry.action}${task}${field}${change}`.slice(0, 300);
}

/** Sync-log entries of the board in the last 24 hours, oldest first (read newest first, in pages). */
function recentEntries(log: LogRepo, boardId: string, sinceIso: string): SyncLogEntry[] {
  const out: SyncLogEntry[] = [];
  let before: number | undefined;
  for (let page = 0; page < 20; page++) {
    const entries = log.list({
      ...(before ? { before } : { before: Number.MAX_SAFE_INTEGER }),
      limit: 500,
      filter: { boardId },
    });
    for (const e of entries) {
      if (e.at < sinceIso) return out.reverse();
      out.push(e);
    }
    if (entries.length < 500) break;
    before = entries[entries.length - 1]!.seq;
  }
  return out.reverse();
}

/**
 * What the digest is built from: the last 24 hours of the board's sync log,
 * the tasks agents worked on and where they are now, questions still waiting
 * for a person and runs that failed. Facts only; the provider writes the prose.
 */
export function digestFacts(
  deps: { log: LogRepo; base: BaseRepo; runs: RunRepo },
  boardId: string,
  date: string,
  now = Date.now(),
): DigestFacts {
  const since = new Date(now - DAY_MS).toISOString();
  const entries = recentEntries(deps.log, boardId, since);
  const title = (id: string): string => deps.base.get(boardId, id)?.fields.title ?? id;
  const notable = entries.filter((e) => NOTABLE.has(e.action));
  const tasks = new Map<string, Set<string>>();
  for (const e of entries) {
    if (e.taskId && e.actor.startsWith('agent:')) {
      tasks.set(e.taskId, (tasks.get(e.taskId) ?? new Set()).add(e.actor.slice('agent:'.length)));
    }
  }
  const waiting = deps.runs
    .allInState('waiting-for-human')
    .filter((r) => r.boardId === boardId && r.taskId && r.question);
  const failed = deps.runs.finishedSince(boardId, since).filter((r) => r.state === 'failed');
  return {
    date,
    since,
    events: notable.slice(-MAX_EVENTS).map((e) => line(e, title)),
    tasks: [...tasks].map(([id, agents]) => ({
      id,
      title: title(id),
      status: deps.base.get(boardId, id)?.fields.status ?? 'unknown',
      agents: [...agents],
    })),
    waitingForHuman: waiting.map((r) => ({ taskId: r.taskId!, question: r.question!, askedAt: r.askedAt ?? '' })),
    failedRuns: failed.map((r) => ({ agentId: r.agentId, taskId: r.taskId, error: r.error ?? 'unknown error' })),
  };
}

/** The idempotency scope of one agent's digest for one day: one digest task per day, whatever happens. */
export const digestScope = (agentId: string, date: string): string => `digest-${agentId}-${date}`;

/** Daily digest: one task, assigned to the configured lead, with the provider's summary as its description. */
export function planDigest(ctx: RunContext, output: AgentOutput, date: string): RunPlan {
  const column = ctx.columns.role('todo') ?? ctx.columns.role('backlog');
  const body = [output.notes.trim(), output.question ? `Open question: ${output.question}` : '']
    .filter(Boolean)
    .join('\n\n');
  return {
    intents: [
      {
        step: 'digest',
        intent: {
          kind: 'create',
          boardId: ctx.run.boardId,
          actor: ctx.actor,
          fields: {
            title: `Daily digest ${date} (${ctx.agent.id})`,
            description: body,
            assignee: ctx.agent.digest?.assign_to ?? null,
            labels: ['digest'],
            agentNotes: `Made by agent ${ctx.agent.id} from the sync log (run #${ctx.run.id}).`,
            ...(column ? { status: column } : {}),
          },
          reason: `daily digest for ${date}`,
          scope: digestScope(ctx.agent.id, date),
        },
      },
    ],
    end: { kind: 'digest', outcome: `digest for ${date} created` },
  };
}
