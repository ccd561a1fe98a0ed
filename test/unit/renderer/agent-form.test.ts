import { describe, expect, it } from 'vitest';
import {
  configFromDraft,
  draftFromConfig,
  emptyDraft,
  errorsFromProblems,
} from '../../../src/renderer/src/lib/agent-form';
import { mcpEndpoint, mcpSnippets } from '../../../src/renderer/src/lib/mcp-snippets';

/** The agent editor's form (issue 15): config-file form in and out, and the core's problems by field. */
describe('agent form', () => {
  it('round-trips an agent and keeps what the form does not show', () => {
    const config = {
      id: 'helper',
      role: 'Helper',
      board: 'local',
      workflow: 'pickup',
      routes: { labels: ['needs-ai'], columns: ['todo'] },
      provider: {
        type: 'openai',
        base_url: 'http://127.0.0.1:11434/v1',
        model: 'llama3.1',
        price: { input: 1, output: 2 },
      },
      budget: { runs_per_day: 5, tokens_per_day: 1000 },
      on_done: { move_to: 'review' },
    };
    const draft = draftFromConfig(config);
    expect(draft).toMatchObject({
      labels: 'needs-ai',
      columns: 'todo',
      provider: 'openai',
      runsPerDay: '5',
      onDone: 'review',
    });
    const back = configFromDraft({ ...draft, labels: 'a, b ,', runsPerDay: '' }, config);
    expect(back.routes).toEqual({ labels: ['a', 'b'], columns: ['todo'] });
    expect(back.role).toBe('Helper');
    expect(back.provider).toEqual(config.provider);
    expect(back.budget).toEqual({ tokens_per_day: 1000 });
  });

  it('starts a new provider from its type alone and sends a bad number as typed, so the core names it', () => {
    const out = configFromDraft({ ...emptyDraft('local'), id: 'x', provider: 'mcp', concurrency: 'two' });
    expect(out.provider).toEqual({ type: 'mcp' });
    expect(out.concurrency).toBe('two');
    expect(out).not.toHaveProperty('schedule');
  });

  it("puts the core's problems next to the field they name", () => {
    expect(
      errorsFromProblems([
        { path: 'routes', message: 'a pickup agent needs routes.labels or routes.columns' },
        { path: 'provider.base_url', message: 'must be an http:// URL' },
        { path: 'resume_on', message: 'expected answer' },
      ]),
    ).toEqual({
      labels: 'a pickup agent needs routes.labels or routes.columns',
      baseUrl: 'must be an http:// URL',
      form: 'resume_on: expected answer',
    });
  });

  it('fills the MCP client snippets for this agent and endpoint', () => {
    const endpoint = mcpEndpoint('http://127.0.0.1:7718/', 'http://127.0.0.1:5173');
    expect(endpoint).toBe('http://127.0.0.1:7718/mcp');
    const keychain = mcpSnippets({ agentId: 'coder', token: 'tok', storedIn: { keychain: 'k' } }, endpoint);
    expect(keychain.map((s) => s.id)).toEqual(['claude-http', 'codex', 'claude-stdio']);
    expect(keychain[0]!.text).toContain('Authorization: Bearer tok');
    const env = mcpSnippets({ agentId: 'coder', token: 'tok', storedIn: { env: 'DECKHAND_MCP_CODER' } }, endpoint);
    expect(env[0]).toMatchObject({ id: 'server-env', text: 'DECKHAND_MCP_CODER=tok' });
  });
});
