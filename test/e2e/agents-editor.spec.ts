import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AgentConfigView } from '../../src/shared/model';
import { expect, test } from './fixtures';
import { callCore, captureBothSchemes, expectLive } from './helpers';

/** Agents managed in the Agents view: an MCP agent added, its token shown once and used, its routes edited, removed. */
test('add an MCP agent, see its token once, connect with it, edit its routes, remove it', async ({
  page,
  server,
  diagnostics,
}) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${server.url}/#/agents`);
  await expectLive(page);
  await page.getByRole('button', { name: 'Add agent' }).click();
  const editor = page.getByRole('dialog', { name: 'Add an agent' });
  await editor.getByLabel('Id', { exact: true }).fill('claude');
  await editor.getByLabel('Who does the work').selectOption('mcp');
  await editor.getByLabel('Route labels').fill('needs-claude');
  await captureBothSchemes(page, 'agents-editor-mcp');
  await editor.getByRole('button', { name: 'Add agent' }).click();

  // The token, once, with what to paste into a client.
  const once = page.getByRole('dialog', { name: 'MCP token for claude' });
  await expect(once.getByText('this token will not be shown again')).toBeVisible();
  const token = (await once.getByTestId('mcp-token').innerText()).trim();
  expect(token.length).toBeGreaterThanOrEqual(32);
  await once.getByRole('button', { name: 'I have copied it' }).click();
  await expect(once).toHaveCount(0);
  expect(await page.content()).not.toContain(token);
  const views = await callCore<AgentConfigView[]>(page.request, server.url, 'listAgentConfigs');
  expect(JSON.stringify(views)).not.toContain(token);

  // The token works against /mcp, and the card shows the client's call.
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL('/mcp', server.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  const tools = await client.listTools();
  expect(tools.tools.map((t) => t.name)).toContain('list_my_work');
  await client.callTool({ name: 'list_my_work', arguments: {} });
  await client.close();
  const cardOf = page.locator('[data-testid="agent-card"][data-agent-id="claude"]');
  await expect(cardOf.getByTestId('agent-mcp')).toContainText('last call list_my_work', { timeout: 15_000 });

  // A wrong token is refused.
  const refused = await page.request.post(`${server.url}/mcp`, {
    headers: {
      authorization: 'Bearer not-the-token',
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    data: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
  });
  expect(refused.status()).toBe(401);

  // Edit its routes.
  await cardOf.getByRole('button', { name: 'Edit agent claude' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit agent claude' });
  await edit.getByLabel('Route labels').fill('needs-claude, mcp-work');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toHaveCount(0);
  await expect
    .poll(async () => {
      const all = await callCore<AgentConfigView[]>(page.request, server.url, 'listAgentConfigs');
      return JSON.stringify(all.find((v) => v.id === 'claude')?.config ?? null);
    })
    .toContain('mcp-work');

  // Remove it, after confirming.
  await cardOf.getByRole('button', { name: 'Remove' }).first().click();
  await page.getByRole('group', { name: 'Remove agent claude?' }).getByRole('button', { name: 'Remove' }).click();
  await expect(cardOf).toHaveCount(0);
  expect(diagnostics.pageErrors).toEqual([]);
});
