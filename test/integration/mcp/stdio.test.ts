import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../../src/main/core/secrets/keychain-store';
import { runCli } from '../../helpers/cli';
import { useTempDirs } from '../../helpers/tmp';
import { closeAfterEach } from '../agents/harness';
import { mcpFlows } from './flows';
import { localSide, mcpAgents, startMcpCore, stdioClient, tool, TOKENS } from './harness';

/**
 * The same flows through `deckhand mcp --agent coder`, the stdio bridge, run as
 * a child process (from source under tsx) by the SDK's StdioClientTransport,
 * relaying to a real core's /mcp on 127.0.0.1.
 */
const tempDir = useTempDirs();
closeAfterEach();

describe('MCP over the stdio bridge, local board', () => {
  mcpFlows(async ({ ownership }) => {
    const core = await startMcpCore({ dir: tempDir(), agents: mcpAgents(), config: ownership ? { ownership } : {} });
    const coder = await stdioClient(core.url, 'coder', { DECKHAND_MCP_TOKEN: TOKENS.coder });
    return {
      harness: core.harness,
      side: localSide(core),
      coder,
      close: async () => {
        await coder.close();
        await core.server.close();
      },
    };
  });
});

describe('the stdio bridge', () => {
  it('never opens the database, and reads the token from the keychain when told to', async () => {
    const dir = tempDir();
    const core = await startMcpCore({ dir, agents: mcpAgents() });
    const keychain = new KeychainSecretStore();
    const name = `deckhand-test-mcp-${process.pid}`;
    await keychain.set(name, TOKENS.coder);
    try {
      const client = await stdioClient(core.url, 'coder', { DECKHAND_MCP_TOKEN: '' }, ['--keychain', name]);
      const rules = await tool(client, 'board_rules');
      expect(rules.value.agent).toBe('coder');
      const pid = (client.transport as StdioClientTransport).pid!;
      const open = readdirSync(`/proc/${pid}/fd`).map((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return '';
        }
      });
      expect(open.some((f) => f.startsWith(join(dir, 'data')))).toBe(false);
      await client.close();
    } finally {
      await keychain.delete(name);
      await core.server.close();
    }
  });

  it('answers a request with an error naming the URL when Deckhand is not running, instead of hanging', async () => {
    const core = await startMcpCore({ dir: tempDir(), agents: mcpAgents() });
    const url = core.url;
    await core.server.close();
    await expect(stdioClient(url, 'coder', { DECKHAND_MCP_TOKEN: TOKENS.coder })).rejects.toThrow(/did not answer/);
  });

  it('refuses to start without a token, saying how to give one', async () => {
    const result = await runCli(['mcp', '--agent', 'coder'], { env: { DECKHAND_MCP_TOKEN: '' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DECKHAND_MCP_TOKEN');
    expect(result.stderr).toContain('--keychain NAME');
    expect(result.stdout).toBe('');
  });
});
