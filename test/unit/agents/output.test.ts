import { describe, expect, it } from 'vitest';
import { OUTPUT_LIMITS, OutputRejected, parseAgentText } from '../../../src/main/core/agents/output';

describe('parseAgentText (the command and fallback protocol)', () => {
  it('takes plain text as the notes', () => {
    expect(parseAgentText('  Found three causes.\n')).toEqual({ notes: 'Found three causes.' });
  });

  it('reads protocol JSON, whole or in one fenced block, and ignores keys it does not know', () => {
    const json = { notes: 'n', question: 'q?', comment: 'c', status: 'review', title: 'PWNED', taskId: '9' };
    expect(parseAgentText(JSON.stringify(json))).toEqual({
      notes: 'n',
      question: 'q?',
      comment: 'c',
      status: 'review',
    });
    expect(parseAgentText('```json\n{"notes": "fenced"}\n```')).toEqual({ notes: 'fenced' });
  });

  it('reads subtasks with estimates in the forms models write them', () => {
    const out = parseAgentText(
      JSON.stringify({
        notes: 'plan',
        subtasks: [
          { title: 'A', estimate: '2h' },
          { title: 'B', estimate: 3 },
          { title: 'C', estimate_hours: 1.5, description: 'why' },
          { title: 'D' },
        ],
      }),
    );
    expect(out.subtasks).toEqual([
      { title: 'A', estimate: '2h' },
      { title: 'B', estimate: '3h' },
      { title: 'C', estimate: '1.5h', description: 'why' },
      { title: 'D', estimate: 'unestimated' },
    ]);
  });

  it('treats null as absent and accepts summary for notes', () => {
    expect(parseAgentText('{"summary": "s", "question": null, "subtasks": null}')).toEqual({ notes: 's' });
  });

  it('refuses empty output, JSON with nothing in it, and the wrong types', () => {
    expect(() => parseAgentText('   ')).toThrow(OutputRejected);
    expect(() => parseAgentText('{"status": "done"}')).toThrow(/without notes, a question or subtasks/);
    expect(() => parseAgentText('{"notes": 5}')).toThrow(/notes: /);
    expect(() => parseAgentText('{"notes": "x", "subtasks": [{"title": ""}]}')).toThrow(/subtasks\.0\.title/);
  });

  it('text that only looks like JSON is notes', () => {
    expect(parseAgentText('{not json}')).toEqual({ notes: '{not json}' });
  });

  it('cuts runaway output to the limits', () => {
    const out = parseAgentText('x'.repeat(OUTPUT_LIMITS.notes + 100));
    expect(out.notes).toHaveLength(OUTPUT_LIMITS.notes);
    const many = { notes: 'n', subtasks: Array.from({ length: 30 }, (_, i) => ({ title: `t${i}`, estimate: '1h' })) };
    expect(() => parseAgentText(JSON.stringify(many))).toThrow(/subtasks/);
  });
});
