import type { BoardSummary, WebhookReceiver } from '../../../shared/model';
import { refusingDeliveries } from '../../../shared/webhook';

export interface WebhookView {
  /** A few words for the Webhook column. */
  label: string;
  tone: 'good' | 'warn' | 'bad' | 'neutral';
  /** One line under it: what happened last, or what to do. */
  detail: string;
  /** Where the board should post, when this Deckhand is listening and the board takes webhooks. */
  endpoint?: string;
}

/**
 * What a board's webhook is doing, in the order a person needs it: not applicable, cannot be received, not set up,
 * refusing deliveries, receiving, or waiting for the first one. Polling covers every case but "receiving".
 */
export function describeWebhook(
  board: Pick<BoardSummary, 'id' | 'type' | 'webhook'>,
  receiver: WebhookReceiver,
  formatTime: (iso: string) => string,
): WebhookView {
  const hook = board.webhook;
  if (!hook) {
    return board.type === 'local'
      ? { label: 'not needed', tone: 'neutral', detail: 'Changes arrive in-process, at once.' }
      : { label: 'not supported', tone: 'neutral', detail: 'This board type is polled.' };
  }
  if (!receiver.url) {
    return { label: 'not receiving', tone: 'warn', detail: receiver.error ?? 'No webhook listener is running.' };
  }
  const endpoint = `${receiver.url}/webhooks/${board.id}`;
  if (!hook.configured) {
    return {
      label: 'not set up',
      tone: 'neutral',
      detail:
        "Set the board's webhook token, secret or key in its settings to get changes within seconds; polled until then.",
      endpoint,
    };
  }
  if (refusingDeliveries(hook)) {
    return {
      label: 'refusing deliveries',
      tone: 'bad',
      detail: `Last at ${formatTime(hook.lastRejectedAt!)}: ${hook.lastRejection ?? 'refused'}`,
      endpoint,
    };
  }
  if (hook.lastAcceptedAt) {
    return { label: 'receiving', tone: 'good', detail: `Last delivery ${formatTime(hook.lastAcceptedAt)}`, endpoint };
  }
  return { label: 'waiting', tone: 'neutral', detail: 'No delivery yet; polled meanwhile.', endpoint };
}
