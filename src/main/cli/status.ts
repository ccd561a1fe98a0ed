import type { AppState, Health } from '../../shared/model';
import { parse, UsageError } from './args';
import { callRemote, DEFAULT_URL } from './remote';

const urlOption = { url: { type: 'string', default: process.env.DECKHAND_URL ?? DEFAULT_URL } } as const;

function describe(health: Health, state: AppState): string {
  const lines = [
    `Deckhand ${health.version} — up ${health.uptimeSeconds}s, database schema ${health.schemaVersion}`,
    `config: ${state.configSource}`,
    state.pause.paused
      ? `agents: PAUSED by ${state.pause.by ?? 'unknown'}${state.pause.reason ? ` (${state.pause.reason})` : ''}`
      : 'agents: running',
    `outbox: ${state.counts.outbox}  conflicts: ${state.counts.conflicts}  errors: ${state.counts.errors}`,
    'boards:',
    ...state.boards.map(
      (b) =>
        `  ${b.id} (${b.type}): ${b.status}` +
        (b.pause ? ` by ${b.pause.by ?? 'unknown'}${b.pause.reason ? ` (${b.pause.reason})` : ''}` : '') +
        (b.error ? ` — ${b.error}` : '') +
        (b.lastPollAt ? `; last poll ${b.lastPollAt}` : '; never polled') +
        (b.error && b.nextPollAt ? `, next try ${b.nextPollAt}` : ''),
    ),
    'agents:',
    ...(state.agents.length
      ? state.agents.map((a) => `  ${a.id} on ${a.board} (${a.workflow}): ${a.status}`)
      : ['  none configured']),
  ];
  return lines.join('\n') + '\n';
}

/** `deckhand status`: what a running server is doing, for humans or (--json) for scripts. */
export async function statusCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { ...urlOption, json: { type: 'boolean' } });
  const [health, state] = await Promise.all([
    callRemote(values.url, 'health', {}),
    callRemote(values.url, 'getState', {}),
  ]);
  process.stdout.write(values.json ? JSON.stringify({ health, state }, null, 2) + '\n' : describe(health, state));
  return 0;
}

export async function pauseCommand(args: string[], pause: boolean): Promise<number> {
  const { values, positionals } = parse(args, { ...urlOption, reason: { type: 'string' } }, true);
  if (positionals.length > 1)
    throw new UsageError(`pause and resume take at most one AGENT (got ${positionals.join(' ')})`);
  const agentId = positionals[0];
  const reason = values.reason ? { reason: values.reason } : {};
  if (agentId) {
    const state = pause
      ? await callRemote(values.url, 'pauseAgent', { agentId, ...reason })
      : await callRemote(values.url, 'resumeAgent', { agentId });
    const agent = state.agents.find((a) => a.id === agentId);
    process.stdout.write(`${agentId}: ${agent?.pause.paused ? 'paused' : 'running'}\n`);
    return 0;
  }
  const state = pause
    ? await callRemote(values.url, 'pauseAll', reason)
    : await callRemote(values.url, 'resumeAll', {});
  process.stdout.write(state.pause.paused ? 'all agents paused\n' : 'all agents running\n');
  return 0;
}
