import WebSocket from 'ws';
import type { DeckhandEvent } from '../../shared/contract';
import type { SyncLogEntry } from '../../shared/model';
import { parse } from './args';
import { callRemote, DEFAULT_URL } from './remote';

const show = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value));

/** One readable line per entry: when, who, what, where, from → to, why. */
export function formatLogEntry(e: SyncLogEntry): string {
  const where = [e.boardId, e.taskId].filter(Boolean).join('/');
  const change = e.before !== undefined || e.after !== undefined ? ` ${show(e.before)} → ${show(e.after)}` : '';
  return [
    e.at,
    e.actor,
    e.action,
    where && `${where}${e.field ? `.${e.field}` : ''}`,
    change.trim() && change.trim(),
    e.reason && `(${e.reason})`,
    e.operationId && `[${e.operationId}]`,
  ]
    .filter(Boolean)
    .join('  ');
}

/** `deckhand log`: the sync log of a running server, optionally followed live. */
export async function logCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    url: { type: 'string', default: process.env.DECKHAND_URL ?? DEFAULT_URL },
    json: { type: 'boolean', default: false },
    follow: { type: 'boolean', short: 'f', default: false },
    board: { type: 'string' },
    task: { type: 'string' },
    actor: { type: 'string' },
  });
  const filter = {
    ...(values.board ? { boardId: values.board } : {}),
    ...(values.task ? { taskId: values.task } : {}),
    ...(values.actor ? { actor: values.actor } : {}),
  };
  const print = (e: SyncLogEntry): void => {
    process.stdout.write((values.json ? JSON.stringify(e) : formatLogEntry(e)) + '\n');
  };
  let after = 0;
  for (;;) {
    const { entries } = await callRemote(values.url, 'listLog', { after, limit: 1000, filter });
    entries.forEach(print);
    if (entries.length < 1000) break;
    after = entries[entries.length - 1]!.seq;
  }
  if (!values.follow) return 0;

  const headers = process.env.DECKHAND_API_TOKEN ? { authorization: `Bearer ${process.env.DECKHAND_API_TOKEN}` } : {};
  const ws = new WebSocket(values.url.replace(/^http/, 'ws') + '/api/events', { headers });
  return new Promise<number>((resolve) => {
    ws.on('message', (data) => {
      const event = JSON.parse(String(data)) as DeckhandEvent;
      if (event.type !== 'log.appended') return;
      const e = event.payload;
      const matches =
        (!filter.boardId || e.boardId === filter.boardId) &&
        (!filter.taskId || e.taskId === filter.taskId) &&
        (!filter.actor || e.actor === filter.actor || e.actor.startsWith(`${filter.actor}:`));
      if (matches) print(e);
    });
    ws.on('close', () => resolve(0));
    ws.on('error', (err) => {
      process.stderr.write(`deckhand: lost the event stream: ${err.message}\n`);
      resolve(1);
    });
    process.once('SIGINT', () => ws.close());
  });
}
