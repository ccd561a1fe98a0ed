/** The real notification sink: the only notification code that touches Electron. */
import { Notification } from 'electron';
import type { DesktopNote } from './notifications';

export function electronNotifier(open: (view: string) => void, icon?: string): (note: DesktopNote) => void {
  // Electron drops click handlers of notifications that were garbage collected, so hold them until closed.
  const live = new Set<Notification>();
  return (note) => {
    if (!Notification.isSupported()) return;
    const shown = new Notification({ title: note.title, body: note.body, ...(icon ? { icon } : {}) });
    live.add(shown);
    shown.on('click', () => open(note.view));
    shown.on('close', () => live.delete(shown));
    shown.show();
  };
}
