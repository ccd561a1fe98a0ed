import { rmSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { SyncLogEntry } from '../../src/shared/model';
import { expect, freshDataDir, startServe, test, type ServeHandle } from './fixtures';
import { callCore, captureBothSchemes, expectLive, openView } from './helpers';
import { seedLog } from './seed-log';

const ENTRIES = 100_000;

/** The rendered rows of the sync log: only the window in view, never the whole log. */
function rows(page: Page) {
  return page.getByRole('listbox', { name: /Sync log entries/ }).getByRole('option');
}

/** Text of the first row that is fully in view. */
async function firstVisibleRow(page: Page): Promise<string> {
  return page.evaluate(() => {
    const box = document.querySelector('.vlist')!.getBoundingClientRect();
    const row = [...document.querySelectorAll<HTMLElement>('.vlist-row')]
      .filter((r) => r.getBoundingClientRect().top >= box.top - 1)
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0];
    return row?.textContent ?? '';
  });
}

/** Scrolls the list by `by` pixels and resolves after the next two frames; returns how long that took. */
function scrollAndPaint(page: Page, by: number): Promise<number> {
  return page.evaluate(
    (delta) =>
      new Promise<number>((resolve) => {
        const list = document.querySelector('.vlist')!;
        const started = performance.now();
        list.scrollTop += delta;
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - started)));
      }),
    by,
  );
}

test.describe('Activity (the sync log)', () => {
  test('stays small and responsive with 100,000 entries, pages back, and keeps its place when entries arrive', async ({
    page,
    request,
    diagnostics,
  }) => {
    test.setTimeout(120_000);
    const dataDir = freshDataDir();
    let server: ServeHandle | undefined;
    try {
      // Run once so the schema exists, then seed the log while nothing else writes to it.
      const first = await startServe(dataDir);
      expect(await first.stop()).toBe(0);
      const lastSeq = seedLog(dataDir, ENTRIES);
      server = await startServe(dataDir);

      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(server.url);
      await expectLive(page);
      const list = page.getByRole('listbox', { name: /Sync log entries/ });
      await expect(list).toBeVisible();
      await expect(rows(page).first()).toBeVisible();
      const rendered = await rows(page).count();
      expect(rendered, 'only the rows in view (plus a few) are in the DOM').toBeLessThan(60);
      // Newest first: the server's own entries from this start come after the seeded ones.
      const newest = await list.getByRole('option').first().getAttribute('aria-posinset');
      expect(newest).toBe('1');

      // Long tasks while scrolling would mean jank; collect them from here on.
      await page.evaluate(() => {
        (window as unknown as { longTasks: number[] }).longTasks = [];
        new PerformanceObserver((entries) => {
          for (const e of entries.getEntries())
            (window as unknown as { longTasks: number[] }).longTasks.push(e.duration);
        }).observe({ type: 'longtask', buffered: false });
      });

      // Scroll to the end of what is loaded again and again: each time an older page is fetched with listLog({before}).
      let loaded = 0;
      for (let page_ = 0; page_ < 12; page_++) {
        await page.locator('.vlist').evaluate((el) => (el.scrollTop = el.scrollHeight));
        await expect
          .poll(() => page.locator('.vlist-spacer').evaluate((el) => el.getBoundingClientRect().height / 52))
          .toBeGreaterThan(loaded);
        loaded = await page
          .locator('.vlist-spacer')
          .evaluate((el) => Math.round(el.getBoundingClientRect().height / 52));
      }
      expect(loaded, 'older pages were loaded while scrolling').toBeGreaterThan(5000);
      expect(await rows(page).count(), 'the DOM stays small however far the list goes').toBeLessThan(60);

      // Jumping around thousands of rows paints quickly.
      const timings: number[] = [];
      for (const delta of [-200_000, 50_000, -100_000, 150_000, -1_000, 1_000])
        timings.push(await scrollAndPaint(page, delta));
      expect(Math.max(...timings), `frame times ${timings.map((t) => t.toFixed(0)).join(', ')} ms`).toBeLessThan(250);
      const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
      expect(Math.max(0, ...longTasks), 'no long task over 200 ms while scrolling').toBeLessThan(200);

      // Keyboard: the list is a listbox; arrows move the selection and the detail follows.
      await page.locator('.vlist').evaluate((el) => (el.scrollTop = 52 * 3000));
      await page.waitForTimeout(50); // let the scroll event land before reading the rows
      await list.focus();
      await page.keyboard.press('ArrowDown');
      const selected = list.locator('[aria-selected="true"]');
      await expect(selected).toHaveCount(1);
      const detail = page.getByTestId('log-detail');
      await expect(detail).toBeVisible();
      await expect(detail).toContainText(/seed entry #\d+/);
      await expect(detail).toContainText(/op-seed-\d+/);
      await page.keyboard.press('j');
      await page.keyboard.press('j');
      await expect(list).toHaveAttribute('aria-activedescendant', /log-entry-\d+/);

      // New entries arrive at the top while we are scrolled down: what we look at does not move.
      const jump = page.getByRole('button', { name: /new entr/ });
      // Entries the server wrote while we paged (its own start-up sync) may already be waiting above.
      const waiting = (await jump.count()) ? Number(/\d+/.exec((await jump.textContent()) ?? '')![0]) : 0;
      const before = await firstVisibleRow(page);
      const scrollBefore = await page.locator('.vlist').evaluate((el) => el.scrollTop);
      await callCore(request, server.url, 'pauseAll', { reason: 'entries while scrolled down' });
      await callCore(request, server.url, 'resumeAll');
      // At least our two; the demo agent may add its own at any moment, so read the count and check the
      // list moved down by exactly that many rows, keeping the same row in view.
      const arrived = async (): Promise<number> =>
        Number(/\d+/.exec((await jump.textContent()) ?? '0')?.[0] ?? 0) - waiting;
      await expect.poll(arrived).toBeGreaterThanOrEqual(2);
      await expect
        .poll(async () => (await page.locator('.vlist').evaluate((el) => el.scrollTop)) - (await arrived()) * 52)
        .toBe(scrollBefore);
      expect(await firstVisibleRow(page)).toBe(before);
      await jump.click();
      await expect.poll(() => page.locator('.vlist').evaluate((el) => el.scrollTop)).toBe(0);
      await expect(rows(page).filter({ hasText: 'All agents resumed' })).toBeInViewport();
      await expect(rows(page).filter({ hasText: 'All agents paused' }).first()).toBeInViewport();

      // Filters go to the server: a text search finds one entry among 100,000.
      await page.getByLabel('Search').fill('seed entry #4242.');
      await page.getByLabel('Search').press('Enter');
      await expect(rows(page)).toHaveCount(1);
      await rows(page).first().click();
      await expect(detail).toContainText('seed entry #4242.');
      await expect(detail).toContainText('op-seed-4242');
      await expect(page.getByText('Start of the matching entries · 1 entry')).toBeVisible();
      await page.getByRole('button', { name: 'Clear filters' }).first().click();
      await expect(page.getByLabel('Search')).toHaveValue('');

      // Board, who, kind and task filters, and the export link carries the same filters.
      await page.getByLabel('Who').selectOption('agent');
      await page.getByLabel('Kind').selectOption('write.refused');
      await page.getByLabel('Task', { exact: true }).fill('6');
      await page.getByLabel('Task', { exact: true }).press('Enter');
      await expect(rows(page).first()).toContainText('Write refused');
      await expect(rows(page).first()).toContainText('task 6');
      const exportLink = page.getByRole('link', { name: 'Export JSONL' });
      const href = (await exportLink.getAttribute('href'))!;
      expect(new URL(href).searchParams.get('actor')).toBe('agent');
      expect(new URL(href).searchParams.get('action')).toBe('write.refused');
      const jsonl = await (await request.get(href)).text();
      const exported = jsonl
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as SyncLogEntry);
      expect(exported.length).toBeGreaterThan(0);
      expect(
        exported.every((e) => e.action === 'write.refused' && e.taskId === '6' && e.actor.startsWith('agent')),
      ).toBe(true);
      expect(exported.at(-1)!.seq).toBeLessThanOrEqual(lastSeq);

      await page.getByRole('button', { name: 'Clear filters' }).first().click();
      await expect(rows(page).filter({ hasText: 'All agents resumed' })).toBeInViewport();
      await rows(page).nth(2).click();
      await captureBothSchemes(page, 'activity-100k');
      expect(diagnostics.consoleErrors).toEqual([]);
    } finally {
      const code = server ? await server.stop() : 0;
      rmSync(dataDir, { recursive: true, force: true });
      expect(code).toBe(0);
    }
  });

  test('inside the desktop app (IPC, no HTTP) the export is built from listLog pages', async ({
    page,
    server,
    diagnostics,
  }) => {
    // Stand in for the Electron preload: the same narrow bridge, carried over HTTP and the event socket.
    await page.addInitScript(() => {
      const listeners = new Set<(event: unknown) => void>();
      const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/api/events`);
      socket.addEventListener('message', (m) => {
        for (const l of listeners) l(JSON.parse(m.data as string));
      });
      Object.defineProperty(window, 'deckhandBridge', {
        value: {
          invoke: async (name: string, input: unknown) =>
            (
              await fetch(`/api/call/${name}`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(input ?? {}),
              })
            ).json(),
          onEvent: (listener: (event: unknown) => void) => {
            listeners.add(listener);
            return () => listeners.delete(listener);
          },
        },
      });
    });
    await page.goto(server.url);
    await expectLive(page);
    await openView(page, 'Activity');
    await expect(page.getByRole('link', { name: 'Export JSONL' })).toHaveCount(0);
    const button = page.getByRole('button', { name: 'Export JSONL' });
    const download = page.waitForEvent('download');
    await button.click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('deckhand-log.jsonl');
    const path = await file.path();
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect((JSON.parse(lines[0]!) as SyncLogEntry).seq).toBe(1);
    expect(diagnostics.consoleErrors).toEqual([]);
  });
});
