import type { WebhookSummary } from '../../../shared/model';
import type { BoardAdapter } from '../boards/contract/adapter';

/**
 * What each board's webhook has done, for the Boards view: the last delivery accepted and the last refused (with
 * why). Accepted deliveries are also in the `deliveries` table, so the last one survives a restart; refusals are
 * kept for this run only.
 */
export class WebhookStatus {
  private readonly seen = new Map<string, Omit<WebhookSummary, 'configured'>>();

  constructor(private readonly lastStoredAt: (boardId: string) => string | undefined) {}

  accepted(boardId: string): void {
    this.seen.set(boardId, { ...this.of(boardId), lastAcceptedAt: new Date().toISOString() });
  }

  rejected(boardId: string, why: string): void {
    const lastRejection = why.length > 200 ? `${why.slice(0, 199)}…` : why;
    this.seen.set(boardId, { ...this.of(boardId), lastRejectedAt: new Date().toISOString(), lastRejection });
  }

  forget(boardId: string): void {
    this.seen.delete(boardId);
  }

  /** Undefined for a board that takes no webhooks (the local board hears its own changes in-process). */
  summary(adapter: BoardAdapter): WebhookSummary | undefined {
    if (!adapter.capabilities.webhooks || !adapter.verifyWebhook) return undefined;
    return { configured: adapter.webhookConfigured?.() ?? true, ...this.of(adapter.boardId) };
  }

  private of(boardId: string): Omit<WebhookSummary, 'configured'> {
    const known = this.seen.get(boardId);
    if (known) return known;
    const stored = this.lastStoredAt(boardId);
    return stored ? { lastAcceptedAt: stored } : {};
  }
}
