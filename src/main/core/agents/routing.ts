import type { AgentConfig } from '../config';
import type { Task } from '../../../shared/task';
import type { BoardColumns } from './columns';

/** A task with this label is never touched by any agent, whatever else routes it. */
export const NEVER_TOUCH_LABEL = 'needs-human-review';
/** Agents-only work: routes to every pickup agent of the board (a claim decides which one takes it). */
export const AGENTS_ONLY_LABEL = 'ai-solo';
/** Claim labels look like `claim:<agent>@<instance>`; routing never treats them as ordinary labels. */
export const CLAIM_LABEL_PREFIX = 'claim:';

export interface RouteDecision {
  /** The task is the agent's to touch. */
  routed: boolean;
  /** A new run may start on it now (routed, and not already in progress, under review, blocked or done). */
  startable: boolean;
  reason: string;
}

const fold = (s: string): string => s.trim().toLowerCase();

/**
 * Decides whether a task is routed to an agent: any of its route labels, or
 * one of its route columns, and none of the exclusions. This is the agent's
 * whole world: the runtime never reads or writes a task this does not route.
 */
export function routeTask(
  agent: AgentConfig,
  task: Pick<Task, 'labels' | 'status'>,
  columns: BoardColumns,
): RouteDecision {
  const no = (reason: string): RouteDecision => ({ routed: false, startable: false, reason });
  if (agent.workflow === 'digest') return no('digest agents do not take tasks');
  const labels = new Set(task.labels.map(fold));
  const excluded = excludedBy(agent, task);
  if (excluded) return no(`labelled ${excluded}`);

  const routeLabels = agent.routes.labels.map(fold);
  if (agent.workflow === 'pickup') routeLabels.push(AGENTS_ONLY_LABEL);
  const byLabel = routeLabels.find((l) => labels.has(l));
  const routeColumns = agent.routes.columns.map((c) => columns.resolve(c)).filter((c): c is string => !!c);
  const byColumn = routeColumns.find((c) => fold(c) === fold(task.status));
  if (!byLabel && !byColumn) return no('no route label or column matches');

  if (byColumn) return { routed: true, startable: true, reason: `in column ${byColumn}` };
  const busy = (['working', 'review', 'blocked', 'done'] as const).find((role) => columns.is(role, task.status));
  return {
    routed: true,
    startable: busy === undefined,
    reason: busy ? `labelled ${byLabel}, but in the ${busy} column` : `labelled ${byLabel}`,
  };
}

/**
 * The exclusion label a task carries for this agent, if any. Once a run holds
 * a task (its claim moved it out of a route column, say), this is what can
 * still take the task away from it: a person adding `needs-human-review`.
 */
export function excludedBy(agent: AgentConfig, task: Pick<Task, 'labels'>): string | undefined {
  const labels = new Set(task.labels.map(fold));
  return [NEVER_TOUCH_LABEL, ...agent.routes.exclude_labels].find((l) => labels.has(fold(l)));
}

/** A claim label names its agent and instance, so a person can see on the board who holds a task. */
export function claimLabel(agentId: string, instanceId: string): string {
  return `${CLAIM_LABEL_PREFIX}${agentId}@${instanceId}`;
}

export function isClaimLabel(label: string): boolean {
  return label.startsWith(CLAIM_LABEL_PREFIX);
}
