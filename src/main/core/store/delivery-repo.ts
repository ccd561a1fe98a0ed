import type { Database } from 'better-sqlite3';

/** Webhook delivery ids already accepted, so a redelivered or replayed webhook is dropped. */
export class DeliveryRepo {
  constructor(private readonly db: Database) {}

  /** Records the id; returns false when it was seen before. */
  firstSeen(boardId: string, deliveryId: string): boolean {
    return (
      this.db
        .prepare('INSERT INTO deliveries (board_id, delivery_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
        .run(boardId, deliveryId, new Date().toISOString()).changes > 0
    );
  }

  /** When the board's last accepted delivery arrived, if any is still kept. */
  lastReceivedAt(boardId: string): string | undefined {
    const row = this.db.prepare('SELECT max(received_at) AS at FROM deliveries WHERE board_id = ?').get(boardId) as {
      at: string | null;
    };
    return row.at ?? undefined;
  }

  /** Drops ids older than the window; boards stop redelivering long before that. */
  prune(olderThan: Date): number {
    return this.db.prepare('DELETE FROM deliveries WHERE received_at < ?').run(olderThan.toISOString()).changes;
  }
}
