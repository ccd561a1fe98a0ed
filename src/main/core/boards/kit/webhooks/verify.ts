import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookDelivery } from '../../contract/adapter';
import { WebhookRejected } from '../../contract/errors';

/**
 * Compares two secrets or signatures in constant time. Both sides are hashed
 * first, so neither the comparison time nor an early length check says
 * anything about the expected value or its length.
 */
export function constantTimeEqual(given: string | Buffer, expected: string | Buffer): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** One header's value, whatever the case of its name or how many times it came. */
export function headerValue(delivery: WebhookDelivery, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(delivery.headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

export interface HmacScheme {
  /** The header carrying the signature (`X-Plane-Signature`). */
  header: string;
  algorithm: 'sha1' | 'sha256';
  encoding: 'hex' | 'base64';
  /** Text before the digest (`sha256=`), if the board adds one. */
  prefix?: string;
}

/**
 * Checks an HMAC signature over the raw body bytes (never a re-serialised
 * body: key order and spacing would differ). Throws WebhookRejected(401) when
 * the secret is unset, the header is missing, or the signature is wrong.
 */
export function verifyHmac(delivery: WebhookDelivery, secret: string | undefined, scheme: HmacScheme): void {
  if (!secret) throw new WebhookRejected(401, 'no webhook secret is configured for this board');
  const given = headerValue(delivery, scheme.header)?.trim();
  if (!given) throw new WebhookRejected(401, `missing ${scheme.header} header`);
  const prefix = scheme.prefix ?? '';
  if (prefix !== '' && !given.toLowerCase().startsWith(prefix.toLowerCase())) {
    throw new WebhookRejected(401, `${scheme.header} does not start with "${prefix}"`);
  }
  const digest = given.slice(prefix.length);
  const expected = createHmac(scheme.algorithm, secret).update(delivery.rawBody).digest(scheme.encoding);
  // Hex digests are compared case-insensitively; base64 is case-sensitive.
  const same =
    scheme.encoding === 'hex' ? constantTimeEqual(digest.toLowerCase(), expected) : constantTimeEqual(digest, expected);
  if (!same) throw new WebhookRejected(401, `wrong ${scheme.header} (the body or the secret differs)`);
}

/** Signs a body as a board would; for fakes and tests. */
export function signHmac(body: string | Buffer, secret: string, scheme: HmacScheme): string {
  return `${scheme.prefix ?? ''}${createHmac(scheme.algorithm, secret).update(body).digest(scheme.encoding)}`;
}

/** Five minutes either way, the window Linear and most signers document. */
export const DEFAULT_TIMESTAMP_WINDOW_MS = 5 * 60_000;

/**
 * Refuses a delivery signed too long ago (a replay) or too far ahead (a
 * wrong clock). `timestamp` is milliseconds or seconds since the epoch.
 */
export function checkTimestamp(timestamp: unknown, now = Date.now(), windowMs = DEFAULT_TIMESTAMP_WINDOW_MS): void {
  const value = typeof timestamp === 'string' && timestamp.trim() !== '' ? Number(timestamp) : timestamp;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new WebhookRejected(401, 'the delivery carries no timestamp');
  }
  const ms = value < 1e12 ? value * 1000 : value;
  if (Math.abs(now - ms) > windowMs) {
    throw new WebhookRejected(
      401,
      `the delivery's timestamp is ${Math.round(Math.abs(now - ms) / 1000)} s off (allowed ${windowMs / 1000} s): a replay or a wrong clock`,
    );
  }
}

/**
 * The delivery's id for de-duplication: the board's own delivery header when
 * it sends one, else a hash of the raw body (a redelivered body is the same delivery).
 */
export function deliveryIdOf(delivery: WebhookDelivery, prefix: string, header?: string): string {
  const given = header ? headerValue(delivery, header)?.trim() : undefined;
  if (given && given.length <= 200) return `${prefix}-${given}`;
  return `${prefix}-${createHash('sha256').update(delivery.rawBody).digest('hex').slice(0, 32)}`;
}

/** The body as a JSON object, or WebhookRejected(400) naming what was expected. */
export function jsonBody(delivery: WebhookDelivery, expected: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(delivery.rawBody.toString('utf8'));
  } catch {
    throw new WebhookRejected(400, 'the body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new WebhookRejected(400, `expected ${expected}`);
  }
  return body as Record<string, unknown>;
}
