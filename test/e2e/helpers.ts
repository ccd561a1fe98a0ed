import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { expect } from './fixtures';

export const SCREENSHOTS = join(__dirname, '..', '..', 'test-results', 'screenshots');

/** Calls the core directly over HTTP, bypassing the UI, and unwraps the envelope. */
export async function callCore<T>(
  request: APIRequestContext,
  url: string,
  method: string,
  input: object = {},
): Promise<T> {
  const response = await request.post(`${url}/api/call/${method}`, { data: input });
  const body = (await response.json()) as { ok: boolean; value: T; error?: { message: string } };
  expect(response.status(), `${method}: ${body.error?.message ?? 'ok'}`).toBe(200);
  expect(body.ok).toBe(true);
  return body.value;
}

/** A navigation button; a badge ("Conflicts 2 open") is part of its name. */
export function nav(page: Page, name: string): Locator {
  return page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: new RegExp(`^${name}( \\d+ \\w+)?$`) });
}

/** Opens a view from the navigation and waits until nothing on it is still loading. */
export async function openView(page: Page, name: string, heading: string | RegExp = name): Promise<void> {
  await nav(page, name).click();
  await expect(nav(page, name)).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  await expect(page.getByRole('status', { name: 'Loading' })).toHaveCount(0);
}

export async function expectLive(page: Page): Promise<void> {
  await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
}

/** Runs axe-core on the whole page; serious and critical findings fail the test. */
export async function expectNoSeriousViolations(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `axe on ${where}`).toEqual([]);
}

/**
 * Waits until no finite CSS transition or animation is running (the header fades its background when the
 * scheme changes; mid-fade, axe would measure light text on a still-light background). Endless ones
 * (skeleton pulses) never settle and are ignored.
 */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.effect?.getComputedTiming().iterations === Infinity),
  );
}

/** Saves `<name>-light.png` and `<name>-dark.png`, checking axe in both schemes. */
export async function captureBothSchemes(page: Page, name: string, prepare?: () => Promise<void>): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await settled(page);
    await prepare?.();
    await expectNoSeriousViolations(page, `${name} in ${colorScheme}`);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${colorScheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The card with this title on the board view. */
export function card(page: Page, title: string): Locator {
  return page.getByTestId('task-card').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
}

/** A column of the board view, by its name. */
export function column(page: Page, name: string): Locator {
  return page.locator(`section.board-column[data-column="${name}"]`);
}

/** Every API response body and WebSocket frame the page receives from now on, to prove a secret is in none. */
export function recordTraffic(page: Page): { bodies: string[]; frames: string[] } {
  const traffic = { bodies: [] as string[], frames: [] as string[] };
  page.on('response', async (response) => {
    if (response.url().includes('/api/')) traffic.bodies.push(await response.text().catch(() => ''));
  });
  page.on('websocket', (ws) => ws.on('framereceived', (frame) => traffic.frames.push(String(frame.payload))));
  return traffic;
}
