import { join } from 'node:path';
import { afterEach, describe } from 'vitest';
import { startServer } from '../../../src/main/core/server/http-server';
import { childrenOf, humanFields, kanboardConfig, startKanboardBoard } from '../../boards/kanboard';
import { ROOT } from '../../helpers/cli';
import { useTempDirs } from '../../helpers/tmp';
import { closeAfterEach } from '../agents/harness';
import { startOnKanboard } from '../agents/kanboard-setup';
import { mcpFlows } from './flows';
import { httpClient, mcpAgents, stdioClient, TOKENS, type BoardSide } from './harness';

/**
 * The MCP flows on a Kanboard board: the fake Kanboard (JSON-RPC over real HTTP,
 * test/fakes/kanboard), edited by a person as its UI would, synced by polling.
 */
const tempDir = useTempDirs();
closeAfterEach();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function flowsOnKanboard(transport: 'http' | 'stdio'): void {
  mcpFlows(async ({ ownership }) => {
    const kb = await startKanboardBoard(cleanup);
    const { fake, board } = kb;
    const harness = await startOnKanboard(kb, tempDir(), mcpAgents('kb'), {
      config: { boards: [kanboardConfig(kb)], ...(ownership ? { ownership } : {}) },
    });
    const server = await startServer(harness.core, { host: '127.0.0.1', port: 0, staticDir: join(ROOT, 'out') });
    const coder =
      transport === 'http'
        ? await httpClient(server.url, TOKENS.coder)
        : await stdioClient(server.url, 'coder', { DECKHAND_MCP_TOKEN: TOKENS.coder });
    const adapter = () => harness.core.engine.adapterFor('kb')!;
    const alice = fake.human('alice');
    const side: BoardSide = {
      boardId: 'kb',
      createRouted: async (title, labels = ['needs-ai']) =>
        String(await alice.createTask(board.projectId, { title, column: 'Ready', tags: labels })),
      personEdit: (id, patch) => alice.updateTask(Number(id), humanFields(patch)),
      personComment: async (id, body) => void (await alice.comment(Number(id), body)),
      read: async (id) => (await adapter().getTask(id))!,
      comments: async (id) => (await adapter().listComments(id)).map((c) => c.body),
      children: async (id) => childrenOf(fake, Number(id)).map((t) => ({ title: t.title })),
      columns: {
        todo: 'Ready',
        working: 'Work in progress',
        review: 'Ready for Review',
        blocked: 'Blocked — Needs Input',
      },
    };
    return {
      harness,
      side,
      coder,
      close: async () => {
        await coder.close();
        await server.close();
      },
    };
  });
}

describe('MCP on Kanboard over Streamable HTTP', () => flowsOnKanboard('http'));
describe('MCP on Kanboard over the stdio bridge', () => flowsOnKanboard('stdio'));
