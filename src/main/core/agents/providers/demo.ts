import type { AgentOutput, AgentProvider, ProviderCall, ProviderResult } from '../types';

/** Every demo result starts with this, so nobody mistakes it for real work. */
export const DEMO_BANNER = '[Demo agent: offline, no AI model was used]';

/**
 * The offline demo for the embedded default, so a new user sees the whole
 * loop (claim, notes, review; a question when a task has no description;
 * subtasks for an epic; a digest) without any model or key. It only restates
 * the task; it is clearly labelled everywhere it writes.
 */
export class DemoProvider implements AgentProvider {
  readonly label = 'demo (offline, no AI)';

  constructor(private readonly delayMs = 400) {}

  async run(call: ProviderCall): Promise<ProviderResult> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const output = demoOutput(call);
    return { output, usage: { inputTokens: 0, outputTokens: 0, cost: null }, rawText: JSON.stringify(output) };
  }
}

function demoOutput({ input }: ProviderCall): AgentOutput {
  if (input.digest) {
    const d = input.digest;
    const lines = [
      DEMO_BANNER,
      `Digest for ${d.date}: ${d.events.length} change(s) on the board since ${d.since}.`,
      ...d.tasks.map((t) => `- "${t.title}" is now in ${t.status}`),
      ...d.waitingForHuman.map((w) => `- waiting for you on ${w.taskId}: ${w.question}`),
    ];
    return { notes: lines.join('\n') };
  }
  const task = input.task;
  if (!task) return { notes: `${DEMO_BANNER} Nothing to do.` };
  if (input.agent.workflow === 'breakdown') {
    const steps = ['Clarify the goal', 'Do the work', 'Check the result'];
    return {
      notes: `${DEMO_BANNER} Split "${task.title}" into ${steps.length} steps.`,
      subtasks: steps.map((s, i) => ({ title: `${s}: ${task.title}`.slice(0, 200), estimate: `${i + 1}h` })),
    };
  }
  if (!task.description.trim() && !input.question) {
    return {
      notes: `${DEMO_BANNER} I need more detail before I can start.`,
      question: `What should "${task.title}" achieve? Reply in a comment, then move the card back.`,
    };
  }
  const answer = input.question ? `\nYou told me: ${input.answer ?? '(no written answer)'}` : '';
  return {
    notes:
      `${DEMO_BANNER}\nI read "${task.title}" (${task.description.trim().length} characters of description, ` +
      `${input.comments.length} comment(s)).${answer}\nA real agent would put its result here. ` +
      'Configure an LLM or a command agent to do actual work (see docs/agents.md).',
  };
}
