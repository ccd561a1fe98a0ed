import { describe, expect, it } from 'vitest';
import { describeWebhook } from '../../../src/renderer/src/lib/webhook-status';

const time = (iso: string): string => iso.slice(11, 16);
const RECEIVER = { url: 'http://127.0.0.1:7718' };
const kanboard = (webhook?: Parameters<typeof describeWebhook>[0]['webhook']) => ({
  id: 'team',
  type: 'kanboard',
  webhook,
});

describe('describeWebhook (the Webhook column of the Boards view)', () => {
  it('the local board needs none; a board type without webhooks is polled', () => {
    expect(describeWebhook({ id: 'local', type: 'local' }, RECEIVER, time)).toMatchObject({ label: 'not needed' });
    expect(describeWebhook({ id: 'p', type: 'plane' }, RECEIVER, time)).toMatchObject({ label: 'not supported' });
  });

  it('says why nothing can arrive when no listener runs', () => {
    const view = describeWebhook(kanboard({ configured: true }), { error: 'port 7718 on 127.0.0.1 is in use' }, time);
    expect(view).toEqual({ label: 'not receiving', tone: 'warn', detail: 'port 7718 on 127.0.0.1 is in use' });
  });

  it('not set up without a token, with the address to configure', () => {
    expect(describeWebhook(kanboard({ configured: false }), RECEIVER, time)).toMatchObject({
      label: 'not set up',
      endpoint: 'http://127.0.0.1:7718/webhooks/team',
    });
  });

  it('the newer of the last accepted and the last refused delivery decides', () => {
    const accepted = '2026-11-24T10:00:00.000Z';
    const refused = '2026-11-24T10:05:00.000Z';
    const hook = {
      configured: true,
      lastAcceptedAt: accepted,
      lastRejectedAt: refused,
      lastRejection: 'wrong webhook token',
    };
    expect(describeWebhook(kanboard(hook), RECEIVER, time)).toMatchObject({
      label: 'refusing deliveries',
      tone: 'bad',
      detail: 'Last at 10:05: wrong webhook token',
    });
    const later = { ...hook, lastAcceptedAt: '2026-11-24T10:06:00.000Z' };
    expect(describeWebhook(kanboard(later), RECEIVER, time)).toMatchObject({
      label: 'receiving',
      tone: 'good',
      detail: 'Last delivery 10:06',
    });
    expect(describeWebhook(kanboard({ configured: true }), RECEIVER, time)).toMatchObject({ label: 'waiting' });
  });
});
