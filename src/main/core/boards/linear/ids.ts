import { createHash } from 'node:crypto';

/**
 * Linear takes a client-chosen UUID v4 as the `id` of `issueCreate` and
 * `commentCreate`, and refuses a second create with the same id: that id is
 * Deckhand's idempotency key. Linear has no field to hold a marker, so the
 * marker lives in the id itself.
 *
 * Deckhand's own markers (`dh-` and 20 hex digits) are written into the UUID
 * reversibly, after a fixed prefix, so a listing tells which issues and
 * comments Deckhand made and with which marker. Any other marker becomes a
 * UUID made from its SHA-256: found exactly by `findTaskByMarker`, but not
 * readable back from a listing.
 */
const PREFIX = 'dec4a0d0';
const OWN = /^dh-([0-9a-f]{20})$/;
const ENCODED = new RegExp(`^${PREFIX}-([0-9a-f]{4})-4([0-9a-f]{3})-8([0-9a-f]{3})-([0-9a-f]{10})00$`);
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function idForMarker(marker: string): string {
  const own = OWN.exec(marker);
  if (own) {
    const h = own[1]!;
    return `${PREFIX}-${h.slice(0, 4)}-4${h.slice(4, 7)}-8${h.slice(7, 10)}-${h.slice(10, 20)}00`;
  }
  const h = createHash('sha256').update(`deckhand-marker:${marker}`).digest('hex');
  // Version 4 and variant bits set, so Linear takes it as a UUID v4.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16]!, 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The Deckhand marker an id carries, or null (an id Linear chose, or one made from another marker). */
export function markerOfId(id: string): string | null {
  const m = ENCODED.exec(id);
  return m ? `dh-${m[1]}${m[2]}${m[3]}${m[4]}` : null;
}
