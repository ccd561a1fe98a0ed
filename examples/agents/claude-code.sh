#!/bin/sh
# A Deckhand command agent that hands the task to Claude Code in print mode.
# Config:
#   provider: { type: command, command: ["./examples/agents/claude-code.sh"], cwd: "/path/to/repo", timeout: 20m }
# The same shape works for `codex exec "$prompt"` or `aider --yes --message "$prompt"`.
# Whatever the tool prints becomes the task's agent notes.
set -eu
input=$(cat)
prompt=$(printf '%s' "$input" | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const i = JSON.parse(s);
    const t = i.task;
    const parts = [i.instructions, "", `Task ${t.id}: ${t.title}`, "", t.description];
    if (i.question) parts.push("", `You asked: ${i.question}`, `Answer: ${i.answer ?? "(none)"}`);
    process.stdout.write(parts.join("\n"));
  });')
exec claude -p "$prompt" --output-format text
