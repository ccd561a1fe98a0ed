import type { WebhookSummary } from './model';

/** The board's last delivery was refused, and none has been accepted since: its changes arrive by polling only. */
export function refusingDeliveries(hook: WebhookSummary | undefined): boolean {
  if (!hook?.lastRejectedAt) return false;
  return !hook.lastAcceptedAt || hook.lastRejectedAt > hook.lastAcceptedAt;
}
