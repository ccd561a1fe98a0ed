import type { AgentRunState } from '../../../shared/model';
import type { Comment, Task } from '../../../shared/task';

export type { AgentRunState };

/** States a run is in while it holds (or waits for) its task. */
export const ACTIVE_STATES: readonly AgentRunState[] = ['queued', 'claimed', 'running', 'waiting-for-human', 'paused'];

/** A subtask proposed by a breakdown; the estimate is free text such as `2h` or `3 points`. */
export interface ProposedSubtask {
  title: string;
  estimate: string;
  description?: string;
}

/**
 * What an agent produces, whichever provider made it. Nothing here can name
 * another task or a human-owned field: the runtime maps it onto the routed task
 * only, and the engine clips it by ownership on top of that.
 */
export interface AgentOutput {
  notes: string;
  /** Set when the agent needs a person: the task goes to Blocked and this is posted as one comment. */
  question?: string;
  subtasks?: ProposedSubtask[];
  /** An extra comment to post on the task. */
  comment?: string;
  /** Where the task should go instead of the configured on_done column: a column role or name. */
  status?: string;
}

/** The task as an agent sees it: the canonical fields it may read. */
export interface AgentTaskView {
  id: string;
  title: string;
  description: string;
  status: string;
  labels: string[];
  assignee: string | null;
  priority: number;
  agentNotes: string;
  parentId: string | null;
  dueDate: string | null;
}

export interface DigestFacts {
  /** Local date the digest is for (YYYY-MM-DD). */
  date: string;
  since: string;
  /** One line per notable change in the sync log, oldest first. */
  events: string[];
  /** Tasks agents worked on in that window, with where they are now. */
  tasks: { id: string; title: string; status: string; agents: string[] }[];
  waitingForHuman: { taskId: string; question: string; askedAt: string }[];
  failedRuns: { agentId: string; taskId: string | null; error: string }[];
}

/**
 * The one input every provider gets (the command provider receives it as JSON
 * on stdin; see docs/agents.md). Versioned because scripts depend on it.
 */
export interface AgentInput {
  protocol: 1;
  agent: { id: string; role: string; workflow: string };
  run: { id: number; round: number };
  /** What the agent is asked to do, in plain words (the configured prompt, or the workflow's default). */
  instructions: string;
  task: AgentTaskView | null;
  comments: { author: string; body: string; createdAt: string }[];
  /** The question this run asked earlier, and the person's answer (null until answered). */
  question: string | null;
  answer: string | null;
  digest: DigestFacts | null;
}

export interface ProviderUsage {
  inputTokens: number;
  outputTokens: number;
  /** In US dollars, when the provider reports it; null when unknown (local models). */
  cost: number | null;
}

export interface ProviderResult {
  output: AgentOutput;
  usage: ProviderUsage;
  /** The raw text the provider returned, kept in the run log. */
  rawText: string;
  /** Usage values the provider had to clamp or drop (see usage.ts), for the run's log. */
  usageProblems?: string[];
}

export interface ProviderCall {
  input: AgentInput;
  signal: AbortSignal;
}

/** Something that turns an AgentInput into an AgentOutput. */
export interface AgentProvider {
  /** Shown in the UI and the run log, e.g. "openai llama3.1". */
  readonly label: string;
  run(call: ProviderCall): Promise<ProviderResult>;
}

/** The task and its comments as read from the board for one round. */
export interface TaskSnapshot {
  task: Task;
  comments: Comment[];
}
