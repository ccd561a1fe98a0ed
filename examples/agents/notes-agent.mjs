#!/usr/bin/env node
// A working Deckhand command agent, with no dependencies: read the task as JSON
// on stdin, print JSON on stdout. It stands in for a real agent (a script
// that calls your tools, or a coding agent such as `claude -p`) and shows every
// part of the protocol in docs/agents.md:
//   - pickup:    notes about the task; a question when the description has a line "ask: ...";
//   - breakdown: subtasks from the description's "- title (estimate)" lines;
//   - digest:    a summary of the day's facts.
// Exit with a non-zero code to fail the run (Deckhand retries it).

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const { task, agent, answer, question, digest, comments } = input;

function print(output) {
  process.stdout.write(JSON.stringify(output) + '\n');
}

if (digest) {
  const lines = [
    `Digest for ${digest.date}: ${digest.events.length} change(s) since ${digest.since}.`,
    ...digest.tasks.map((t) => `- ${t.title}: now in ${t.status} (${t.agents.join(', ')})`),
    ...digest.waitingForHuman.map((w) => `- waiting for a person on ${w.taskId}: ${w.question}`),
    ...digest.failedRuns.map((f) => `- failed: ${f.agentId} on ${f.taskId ?? 'digest'}: ${f.error}`),
  ];
  print({ notes: lines.join('\n') });
} else if (agent.workflow === 'breakdown') {
  // "- Write the parser (3h)" becomes a subtask with estimate 3h.
  const subtasks = [];
  for (const line of task.description.split('\n')) {
    const match = /^\s*[-*]\s+(.+?)\s*\(([^)]+)\)\s*$/.exec(line);
    if (match) subtasks.push({ title: match[1], estimate: match[2] });
  }
  if (subtasks.length === 0) subtasks.push({ title: `Do: ${task.title}`, estimate: '1d' });
  print({ notes: `Planned "${task.title}" as ${subtasks.length} subtask(s).`, subtasks });
} else {
  const ask = /^ask:\s*(.+)$/im.exec(task.description);
  if (ask && !question) {
    print({ notes: 'Started; I need one answer first.', question: ask[1] });
  } else {
    const words = task.description.trim() ? task.description.trim().split(/\s+/).length : 0;
    const notes = [
      `Read "${task.title}": ${words} word(s) of description, ${comments.length} comment(s).`,
      question ? `I asked: ${question}\nThe answer: ${answer ?? '(none given)'}` : '',
    ].filter(Boolean);
    print({ notes: notes.join('\n') });
  }
}
