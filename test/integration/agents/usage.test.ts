import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_COST_USD_PER_CALL, MAX_TOKENS_PER_CALL } from '../../../src/main/core/agents/usage';
import { setLogSink } from '../../../src/main/core/logger';
import { useTempDirs } from '../../helpers/tmp';
import { BOARD, closeAfterEach, openaiWriter, startHarness, startLlm, type Harness } from './harness';

const tempDir = useTempDirs();
let harness: Harness | undefined;
closeAfterEach();
const logged: string[] = [];
const previousSink = setLogSink((line) => logged.push(line));
afterAll(() => void setLogSink(previousSink));

/** A command agent that writes its notes with the given `usage` JSON text, verbatim (so `1e999` reaches the parser). */
function agentReporting(dir: string, usageJson: string): string[] {
  const file = join(dir, 'usage-agent.mjs');
  const answer = `{"notes": "read the task", "usage": ${usageJson}}`;
  writeFileSync(file, `process.stdout.write(${JSON.stringify(answer)});`);
  return [process.execPath, file];
}

async function runWith(usageJson: string) {
  const dir = tempDir();
  harness = await startHarness({
    dir,
    agents: [
      {
        id: 'worker',
        board: BOARD,
        workflow: 'pickup',
        routes: { labels: ['needs-ai'] },
        provider: { type: 'command', command: agentReporting(dir, usageJson) },
      },
    ],
  });
  const task = harness.create({ title: 'Count me', labels: ['needs-ai'] });
  const run = await harness.runIn({ taskId: task.id }, ['done', 'failed']);
  const output = [...harness.core.logEntries({ action: 'agent.run.output' })][0];
  return { run, notes: harness.task(task.id).agentNotes, output };
}

describe('an absurd usage number from an agent', () => {
  beforeEach(() => void logged.splice(0));

  it.each([
    [
      'output_tokens 1e308',
      '{"input_tokens": 10, "output_tokens": 1e308}',
      { tokensIn: 10, tokensOut: MAX_TOKENS_PER_CALL },
      /output_tokens 1e\+308 is more than/,
    ],
    [
      'input_tokens 1e308',
      '{"input_tokens": 1e308, "output_tokens": 5}',
      { tokensIn: MAX_TOKENS_PER_CALL, tokensOut: 5 },
      /input_tokens 1e\+308 is more than/,
    ],
    [
      'input_tokens 1e999 (Infinity)',
      '{"input_tokens": 1e999, "output_tokens": 5}',
      { tokensIn: 0, tokensOut: 5 },
      /input_tokens Infinity is not a finite number/,
    ],
    [
      'negative input_tokens',
      '{"input_tokens": -40, "output_tokens": 5}',
      { tokensIn: 0, tokensOut: 5 },
      /input_tokens -40 is negative/,
    ],
    [
      'input_tokens as text',
      '{"input_tokens": "12", "output_tokens": 5}',
      { tokensIn: 0, tokensOut: 5 },
      /input_tokens "12" is not a number/,
    ],
    [
      'cost_usd 1e308',
      '{"input_tokens": 1, "output_tokens": 1, "cost_usd": 1e308}',
      { cost: MAX_COST_USD_PER_CALL },
      /cost_usd 1e\+308 is more than/,
    ],
    [
      'negative cost_usd',
      '{"input_tokens": 1, "output_tokens": 1, "cost_usd": -3}',
      { cost: null },
      /cost_usd -3 is negative/,
    ],
  ])(
    '%s: the run succeeds, the notes land, the value is clamped or dropped and the log says so',
    async (_what, usage, expected, problem) => {
      const { run, notes, output } = await runWith(usage);
      expect(run.state, run.error ?? '').toBe('done');
      expect(notes).toContain('read the task');
      expect(run).toMatchObject(expected);
      expect((output?.after as { usageProblems?: string[] }).usageProblems?.join('\n')).toMatch(problem);
      expect(logged.find((line) => line.includes(`run #${run.id} of worker`))).toMatch(problem);
    },
  );

  it('sane usage is recorded as given, with no problem noted', async () => {
    const { run, output } = await runWith('{"input_tokens": 1200, "output_tokens": 300, "cost_usd": 0.25}');
    expect(run).toMatchObject({ state: 'done', tokensIn: 1200, tokensOut: 300, cost: 0.25 });
    expect(output?.after).not.toHaveProperty('usageProblems');
    expect(logged.join('\n')).not.toMatch(/unusable usage/);
  });

  it('a model server reporting 1e308 completion tokens is clamped and priced from the clamped count', async () => {
    const llm = await startLlm();
    llm.setHandler(() => ({
      content: { notes: 'from the model', question: null, subtasks: null },
      usage: { prompt_tokens: 40, completion_tokens: 1e308 },
    }));
    harness = await startHarness({
      dir: tempDir(),
      agents: [openaiWriter(llm, { provider: { price: { input: 3, output: 15 } } })],
    });
    const task = harness.create({ title: 'Model', labels: ['needs-ai'] });
    const run = await harness.runIn({ taskId: task.id }, ['done', 'failed']);
    expect(run.state, run.error ?? '').toBe('done');
    expect(harness.task(task.id).agentNotes).toContain('from the model');
    expect(run).toMatchObject({ tokensIn: 40, tokensOut: MAX_TOKENS_PER_CALL });
    // Priced from the clamped count ($15 per million out), not overflowed to Infinity and dropped.
    expect(run.cost).toBeCloseTo((40 * 3 + MAX_TOKENS_PER_CALL * 15) / 1_000_000, 6);
    expect(logged.join('\n')).toMatch(/output_tokens 1e\+308 is more than/);
  });
});
