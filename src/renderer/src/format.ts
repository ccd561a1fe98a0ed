/** Small display helpers shared by the views. Pure, so they are easy to test. */

export function formatTime(iso: string | undefined, now: Date = new Date()): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `human:http` → `you (web UI)`; anything unknown is shown as is. */
export function describeActor(by: string | undefined): string {
  if (!by) return 'unknown';
  const known: Record<string, string> = {
    'human:http': 'you (web UI)',
    'human:ipc': 'you (app)',
    'human:tray': 'you (tray)',
    'human:cli': 'you (command line)',
  };
  return known[by] ?? by;
}
