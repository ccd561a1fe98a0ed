import { describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../../../src/main/core/boards/contract/adapter';
import { WebhookRejected } from '../../../src/main/core/boards/contract/errors';
import { allItems, nextLink, pagesByCursor, pagesByOffset } from '../../../src/main/core/boards/kit/http/pagination';
import { parseRetryAfter, throttleWaitMs } from '../../../src/main/core/boards/kit/http/retry-after';
import { collectUntil } from '../../../src/main/core/boards/kit/listing/sort-and-stop';
import { watermarkOf } from '../../../src/main/core/boards/kit/listing/watermark';
import {
  findNotesComment,
  notesFromComment,
  renderNotesComment,
} from '../../../src/main/core/boards/kit/notes/mirror-comment';
import { RateBudget } from '../../../src/main/core/boards/kit/rate/budget';
import {
  checkTimestamp,
  deliveryIdOf,
  signHmac,
  verifyHmac,
  type HmacScheme,
} from '../../../src/main/core/boards/kit/webhooks/verify';

const delivery = (body: string, headers: Record<string, string> = {}): WebhookDelivery => ({
  headers,
  query: new URLSearchParams(),
  rawBody: Buffer.from(body),
});

function rejection(fn: () => unknown): WebhookRejected {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookRejected);
    return err as WebhookRejected;
  }
  throw new Error('expected a rejection');
}

describe('kit: webhook verification', () => {
  const schemes: HmacScheme[] = [
    { header: 'X-Plane-Signature', algorithm: 'sha256', encoding: 'hex' },
    { header: 'X-TAIGA-WEBHOOK-SIGNATURE', algorithm: 'sha1', encoding: 'hex' },
    { header: 'X-Hub-Signature', algorithm: 'sha1', encoding: 'hex', prefix: 'sha1=' },
    { header: 'X-Notion-Signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
    { header: 'X-Shopify-Hmac-Sha256', algorithm: 'sha256', encoding: 'base64' },
  ];
  const body = '{"event":"issue","data":{"id":"1"}}';

  for (const scheme of schemes) {
    it(`${scheme.header} (${scheme.algorithm}, ${scheme.encoding}${scheme.prefix ? `, ${scheme.prefix}` : ''}): right passes; missing, wrong, tampered fail`, () => {
      const signature = signHmac(body, 'the-secret', scheme);
      // Header names arrive lower-cased from Node.
      expect(() =>
        verifyHmac(delivery(body, { [scheme.header.toLowerCase()]: signature }), 'the-secret', scheme),
      ).not.toThrow();
      expect(rejection(() => verifyHmac(delivery(body), 'the-secret', scheme)).message).toContain('missing');
      const wrong = signHmac(body, 'another-secret', scheme);
      expect(rejection(() => verifyHmac(delivery(body, { [scheme.header]: wrong }), 'the-secret', scheme)).status).toBe(
        401,
      );
      const tampered = delivery(body.replace('"1"', '"2"'), { [scheme.header]: signature });
      expect(rejection(() => verifyHmac(tampered, 'the-secret', scheme)).message).toContain('wrong');
      expect(
        rejection(() => verifyHmac(delivery(body, { [scheme.header]: signature }), undefined, scheme)).message,
      ).toContain('no webhook secret');
    });
  }

  it('accepts an upper-case hex digest, but not a base64 digest with its case changed', () => {
    const hex = schemes[0]!;
    const upper = signHmac(body, 's', hex).toUpperCase();
    expect(() => verifyHmac(delivery(body, { [hex.header]: upper }), 's', hex)).not.toThrow();
    const b64 = schemes[4]!;
    const flipped = signHmac(body, 's', b64).replace(/[a-z]/, (c) => c.toUpperCase());
    expect(() => verifyHmac(delivery(body, { [b64.header]: flipped }), 's', b64)).toThrow(WebhookRejected);
  });

  it('refuses stale, future and missing timestamps (seconds or milliseconds)', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    expect(() => checkTimestamp(now - 60_000, now)).not.toThrow();
    expect(() => checkTimestamp(String((now - 60_000) / 1000), now)).not.toThrow();
    expect(rejection(() => checkTimestamp(now - 6 * 60_000, now)).message).toContain('replay');
    expect(rejection(() => checkTimestamp((now + 10 * 60_000) / 1000, now)).message).toContain('600 s off');
    expect(rejection(() => checkTimestamp(undefined, now)).message).toContain('no timestamp');
    expect(rejection(() => checkTimestamp('soon', now)).status).toBe(401);
  });

  it("uses the board's delivery id when it sends one, else a hash of the body (a replay is the same delivery)", () => {
    expect(deliveryIdOf(delivery(body, { 'x-plane-delivery': 'abc-1' }), 'plane', 'X-Plane-Delivery')).toBe(
      'plane-abc-1',
    );
    const a = deliveryIdOf(delivery(body), 'kb');
    expect(a).toBe(deliveryIdOf(delivery(body), 'kb'));
    expect(a).not.toBe(deliveryIdOf(delivery(`${body} `), 'kb'));
  });
});

describe('kit: pagination', () => {
  it('follows cursors until the last page, and stops a board that repeats a cursor', async () => {
    const pages: Record<string, { items: number[]; next: string | null }> = {
      start: { items: [1, 2], next: 'c2' },
      c2: { items: [3], next: 'c3' },
      c3: { items: [4], next: null },
    };
    expect(await allItems(pagesByCursor(async (c) => pages[c ?? 'start']!, 'list'))).toEqual([1, 2, 3, 4]);
    const looping = pagesByCursor(async () => ({ items: [1], next: 'same' }), 'list work items');
    await expect(allItems(looping)).rejects.toThrow('list work items: the board sent the same page cursor twice');
  });

  it('pages by offset until a short page', async () => {
    const all = Array.from({ length: 7 }, (_, i) => i);
    const asked: number[] = [];
    const items = await allItems(
      pagesByOffset(
        async (offset, limit) => {
          asked.push(offset);
          return all.slice(offset, offset + limit);
        },
        3,
        'list',
      ),
    );
    expect(items).toEqual(all);
    expect(asked).toEqual([0, 3, 6]);
  });

  it('reads the next link of a Link header', () => {
    expect(nextLink('<https://x/api?page=2>; rel="next", <https://x/api?page=9>; rel="last"')).toBe(
      'https://x/api?page=2',
    );
    expect(nextLink('<https://x/api?page=1>; rel="prev"')).toBeNull();
    expect(nextLink(null)).toBeNull();
  });

  it('sort-and-stop reads no page past the watermark', async () => {
    const fetched: number[] = [];
    async function* pages(): AsyncGenerator<{ id: number; at: string }[]> {
      for (let p = 0; p < 5; p++) {
        fetched.push(p);
        yield [0, 1].map((i) => ({ id: p * 2 + i, at: new Date(Date.UTC(2026, 0, 10 - p * 2 - i)).toISOString() }));
      }
    }
    const found = await collectUntil(pages(), (x) => x.at, '2026-01-07T00:00:00.000Z');
    expect(found.map((x) => x.id)).toEqual([0, 1, 2, 3]);
    expect(fetched).toEqual([0, 1, 2]);
    expect(watermarkOf([{ updatedAt: '2026-01-08T00:00:00Z' }], '2026-01-09T00:00:00Z')).toBe('2026-01-09T00:00:00Z');
  });
});

describe('kit: rate budget and throttle headers', () => {
  it('charges each call its cost and says how long to wait', () => {
    let now = 0;
    const budget = new RateBudget(60, () => now);
    expect(budget.take(50)).toBe(0);
    expect(budget.take(20)).toBe(10_000);
    now = 10_000;
    expect(budget.take(20)).toBe(0);
    // A cost above the whole budget waits for a full bucket, not forever.
    expect(budget.take(500)).toBe(60_000);
  });

  it('reads Retry-After, X-Throttle-Wait-Seconds and X-RateLimit-Reset', () => {
    const now = 1_800_000_000_000;
    expect(parseRetryAfter('2.5')).toBe(2500);
    expect(parseRetryAfter(new Date(now + 4000).toUTCString(), now)).toBe(4000);
    expect(throttleWaitMs(new Headers({ 'x-throttle-wait-seconds': '12' }), now)).toBe(12_000);
    expect(throttleWaitMs(new Headers({ 'x-ratelimit-reset': String(now / 1000 + 30) }), now)).toBe(30_000);
    expect(throttleWaitMs(new Headers({}), now)).toBeUndefined();
  });
});

describe('kit: the agent-notes comment', () => {
  it('is found by its header line whatever its author, and gives back its notes', () => {
    const comments = [
      { id: 1, text: 'A person: please look at the logs' },
      { id: 2, text: renderNotesComment('Looked at the logs.\n\nThe cache is stale.') },
    ];
    const found = findNotesComment(comments, (c) => c.text);
    expect(found?.id).toBe(2);
    expect(notesFromComment(found!.text)).toBe('Looked at the logs.\n\nThe cache is stale.');
    expect(notesFromComment(renderNotesComment(''))).toBe('');
    expect(findNotesComment([{ text: `quoting: ${renderNotesComment('x')}` }], (c) => c.text)).toBeUndefined();
  });
});
