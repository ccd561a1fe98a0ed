import { describe, expect, it } from 'vitest';
import { BoardColumns } from '../../../src/main/core/agents/columns';
import { claimLabel, excludedBy, isClaimLabel, routeTask } from '../../../src/main/core/agents/routing';
import type { AgentConfig } from '../../../src/main/core/config';

const LOCAL = ['Backlog', 'To do', 'Work in progress', 'Ready for Review', 'Blocked — Needs Input', 'Done'];
const columns = new BoardColumns({}, LOCAL);

function agent(
  partial: Omit<Partial<AgentConfig>, 'routes'> & { routes?: Partial<AgentConfig['routes']> } = {},
): AgentConfig {
  return {
    id: 'a',
    board: 'b',
    workflow: 'pickup',
    provider: { type: 'demo' },
    concurrency: 1,
    ...partial,
    routes: { labels: [], columns: [], exclude_labels: [], ...partial.routes },
  } as AgentConfig;
}

describe('routeTask', () => {
  it('routes by any of the labels, case-insensitively', () => {
    const a = agent({ routes: { labels: ['needs-ai', 'needs-research'] } });
    expect(routeTask(a, { labels: ['x', 'Needs-Research'], status: 'To do' }, columns)).toMatchObject({
      routed: true,
      startable: true,
    });
    expect(routeTask(a, { labels: ['x'], status: 'To do' }, columns).routed).toBe(false);
  });

  it('routes by column role or name', () => {
    const a = agent({ routes: { columns: ['todo', 'Backlog'] } });
    expect(routeTask(a, { labels: [], status: 'To do' }, columns)).toMatchObject({ routed: true, startable: true });
    expect(routeTask(a, { labels: [], status: 'Backlog' }, columns).routed).toBe(true);
    expect(routeTask(a, { labels: [], status: 'Done' }, columns).routed).toBe(false);
  });

  it('never routes needs-human-review or an excluded label, whatever else matches', () => {
    const a = agent({ routes: { labels: ['needs-ai'], columns: ['todo'], exclude_labels: ['secret'] } });
    expect(routeTask(a, { labels: ['needs-ai', 'needs-human-review'], status: 'To do' }, columns)).toEqual({
      routed: false,
      startable: false,
      reason: 'labelled needs-human-review',
    });
    expect(routeTask(a, { labels: ['needs-ai', 'SECRET'], status: 'To do' }, columns).routed).toBe(false);
    expect(excludedBy(a, { labels: ['needs-human-review'] })).toBe('needs-human-review');
    expect(excludedBy(a, { labels: ['needs-ai'] })).toBeUndefined();
  });

  it('ai-solo is agents-only work: any pickup agent may take it, other workflows only by their own routes', () => {
    expect(
      routeTask(agent({ routes: { labels: ['x'] } }), { labels: ['ai-solo'], status: 'To do' }, columns).routed,
    ).toBe(true);
    const planner = agent({ workflow: 'breakdown', routes: { labels: ['epic'] } });
    expect(routeTask(planner, { labels: ['ai-solo'], status: 'To do' }, columns).routed).toBe(false);
  });

  it('a label-routed task in progress, under review, blocked or done is routed but not started', () => {
    const a = agent({ routes: { labels: ['needs-ai'] } });
    for (const status of ['Work in progress', 'Ready for Review', 'Blocked — Needs Input', 'Done']) {
      expect(routeTask(a, { labels: ['needs-ai'], status }, columns)).toMatchObject({ routed: true, startable: false });
    }
    // Unless the agent routes by that column itself.
    const reviewer = agent({ routes: { columns: ['review'] } });
    expect(routeTask(reviewer, { labels: [], status: 'Ready for Review' }, columns).startable).toBe(true);
  });

  it('digest agents take no tasks', () => {
    expect(routeTask(agent({ workflow: 'digest' }), { labels: ['needs-ai'], status: 'To do' }, columns).routed).toBe(
      false,
    );
  });
});

describe('claim labels', () => {
  it('name the agent and the instance', () => {
    expect(claimLabel('researcher', 'a1b2c3')).toBe('claim:researcher@a1b2c3');
    expect(isClaimLabel('claim:researcher@a1b2c3')).toBe(true);
    expect(isClaimLabel('needs-ai')).toBe(false);
  });
});

describe('BoardColumns', () => {
  it('maps roles to configured names, else to conventional names the board has', () => {
    const kb = new BoardColumns({ review: 'QA' }, ['Backlog', 'Ready', 'In progress', 'QA', 'Done']);
    expect(kb.role('review')).toBe('QA');
    expect(kb.role('working')).toBe('In progress');
    expect(kb.role('todo')).toBe('Ready');
    expect(kb.role('blocked')).toBeUndefined();
    expect(kb.resolve('review')).toBe('QA');
    expect(kb.resolve('done')).toBe('Done');
    expect(kb.resolve('qa')).toBe('QA');
    expect(kb.resolve('Nowhere')).toBeUndefined();
    expect(kb.is('working', 'in progress')).toBe(true);
  });

  it('with no column list, trusts names given to it', () => {
    // A stock Taiga Kanban project: its review status is "Ready for test".
    const taiga = new BoardColumns({}, ['New', 'Ready', 'In progress', 'Ready for test', 'Done', 'Archived']);
    expect([taiga.role('todo'), taiga.role('working'), taiga.role('review'), taiga.role('done')]).toEqual([
      'Ready',
      'In progress',
      'Ready for test',
      'Done',
    ]);
    const unknown = new BoardColumns({ working: 'Doing' }, []);
    expect(unknown.role('working')).toBe('Doing');
    expect(unknown.resolve('Somewhere')).toBe('Somewhere');
  });
});
