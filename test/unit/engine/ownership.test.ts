import { describe, expect, it } from 'vitest';
import { defaultOwnership } from '../../../src/main/core/config/schema';
import {
  agentMayWrite,
  checkAgentWrite,
  OwnershipRulesError,
  rulesFromConfig,
} from '../../../src/main/core/engine/ownership';
import {
  applyOwnershipPatch,
  DEFAULT_OWNERSHIP_RULES,
  defaultOwnershipRules,
  describeRule,
  ownershipRulesSchema,
  POLICIES,
  OWNERS,
  allowedPolicies,
  validateOwnershipRules,
  type OwnershipRules,
} from '../../../src/shared/ownership';
import { TASK_FIELDS } from '../../../src/shared/task';

function problemsOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof OwnershipRulesError) return err.problems;
    throw err;
  }
  throw new Error('expected OwnershipRulesError');
}

describe('default ownership rules', () => {
  it('follow design/sync.md and are valid', () => {
    expect(DEFAULT_OWNERSHIP_RULES).toEqual({
      title: { owner: 'human', policy: 'human-wins' },
      description: { owner: 'human', policy: 'human-wins' },
      status: { owner: 'shared', policy: 'last-write-wins' },
      assignee: { owner: 'human', policy: 'human-wins' },
      priority: { owner: 'human', policy: 'human-wins' },
      labels: { owner: 'shared', policy: 'merge' },
      agentNotes: { owner: 'ai', policy: 'agent-wins' },
      parentId: { owner: 'human', policy: 'human-wins' },
      dueDate: { owner: 'human', policy: 'human-wins' },
    });
    expect(Object.keys(DEFAULT_OWNERSHIP_RULES).sort()).toEqual([...TASK_FIELDS].sort());
    expect(validateOwnershipRules(defaultOwnershipRules())).toEqual({ ok: true, rules: defaultOwnershipRules() });
  });

  it('agree with the config loader’s defaults', () => {
    expect(rulesFromConfig(defaultOwnership())).toEqual(defaultOwnershipRules());
  });

  it('hands out copies, so editing one cannot change the defaults', () => {
    const rules = defaultOwnershipRules();
    rules.title.owner = 'ai';
    expect(DEFAULT_OWNERSHIP_RULES.title.owner).toBe('human');
  });
});

describe('rulesFromConfig', () => {
  it('keeps the defaults for fields the config leaves out', () => {
    expect(rulesFromConfig(undefined)).toEqual(defaultOwnershipRules());
    expect(rulesFromConfig({})).toEqual(defaultOwnershipRules());
  });

  it('maps snake_case config keys onto task fields', () => {
    const rules = rulesFromConfig({ agent_notes: { owner: 'ai', policy: 'ask' }, due_date: 'shared' });
    expect(rules.agentNotes).toEqual({ owner: 'ai', policy: 'ask' });
    expect(rules.dueDate).toEqual({ owner: 'shared', policy: 'last-write-wins' });
  });

  it('gives shorthand the owner’s default policy for that field', () => {
    const rules = rulesFromConfig({
      title: 'shared',
      status: 'ai',
      labels: 'shared',
      priority: 'human',
      assignee: 'ai',
    });
    expect(rules.title).toEqual({ owner: 'shared', policy: 'last-write-wins' });
    expect(rules.status).toEqual({ owner: 'ai', policy: 'agent-wins' });
    expect(rules.labels).toEqual({ owner: 'shared', policy: 'merge' });
    expect(rules.priority).toEqual({ owner: 'human', policy: 'human-wins' });
    expect(rules.assignee).toEqual({ owner: 'ai', policy: 'agent-wins' });
  });

  it('takes { owner } without a policy like shorthand, and { owner, policy } as given', () => {
    const rules = rulesFromConfig({ labels: { owner: 'shared' }, status: { owner: 'shared', policy: 'ask' } });
    expect(rules.labels).toEqual({ owner: 'shared', policy: 'merge' });
    expect(rules.status).toEqual({ owner: 'shared', policy: 'ask' });
  });

  it('refuses owner/policy pairs that do not fit, naming the config key', () => {
    expect(
      problemsOf(() =>
        rulesFromConfig({
          title: { owner: 'human', policy: 'agent-wins' },
          agent_notes: { owner: 'ai', policy: 'human-wins' },
          status: { owner: 'shared', policy: 'merge' },
        }),
      ),
    ).toEqual([
      {
        path: 'ownership.title.policy',
        message: 'a field owned by human settles conflicts with human-wins or ask, not agent-wins',
      },
      { path: 'ownership.status.policy', message: expect.stringMatching(/^merge is only valid for labels/) },
      {
        path: 'ownership.agent_notes.policy',
        message: 'a field owned by ai settles conflicts with agent-wins or ask, not human-wins',
      },
    ]);
  });

  it('refuses unknown config keys', () => {
    expect(problemsOf(() => rulesFromConfig({ colour: 'human' } as never))).toEqual([
      { path: 'ownership.colour', message: 'unknown key' },
    ]);
  });

  it('the error message lists every problem', () => {
    expect(() => rulesFromConfig({ status: { owner: 'shared', policy: 'merge' } })).toThrow(
      /invalid ownership rules: ownership\.status\.policy: merge is only valid for labels/,
    );
  });
});

describe('checkAgentWrite', () => {
  const rules = defaultOwnershipRules();

  it('lets agents write ai and shared fields and refuses human ones, with a reason each', () => {
    const { allowed, refused } = checkAgentWrite(rules, {
      title: 'x',
      description: 'y',
      status: 'working',
      labels: ['a'],
      agentNotes: 'notes',
      priority: 3,
      assignee: null,
    });
    expect(allowed).toEqual({ status: 'working', labels: ['a'], agentNotes: 'notes' });
    expect(refused).toEqual([
      { field: 'title', reason: 'title is owned by humans; agents may not write it' },
      { field: 'description', reason: 'description is owned by humans; agents may not write it' },
      { field: 'priority', reason: 'priority is owned by humans; agents may not write it' },
      { field: 'assignee', reason: 'assignee is owned by humans; agents may not write it' },
    ]);
  });

  it('follows edited rules, and ignores undefined entries', () => {
    const edited: OwnershipRules = {
      ...rules,
      title: { owner: 'shared', policy: 'ask' },
      status: { owner: 'human', policy: 'ask' },
    };
    expect(checkAgentWrite(edited, { title: 't', status: 'done', description: undefined })).toEqual({
      allowed: { title: 't' },
      refused: [{ field: 'status', reason: expect.stringMatching(/owned by humans/) }],
    });
    expect(agentMayWrite(edited, 'title')).toBe(true);
    expect(agentMayWrite(edited, 'status')).toBe(false);
  });

  it('gates an intent whose labels are a delta', () => {
    const { allowed } = checkAgentWrite(rules, { labels: { add: ['x'], remove: [] } });
    expect(allowed).toEqual({ labels: { add: ['x'], remove: [] } });
  });

  it('refuses keys that are not task fields', () => {
    const { allowed, refused } = checkAgentWrite(rules, { bogus: 1 } as never);
    expect(allowed).toEqual({});
    expect(refused).toEqual([{ field: 'bogus', reason: 'bogus is not a task field' }]);
  });
});

describe('editing rules (applyOwnershipPatch / ownershipRulesSchema)', () => {
  const current = defaultOwnershipRules();

  it('applies a partial edit and keeps the other fields', () => {
    const result = applyOwnershipPatch(current, { status: { owner: 'shared', policy: 'ask' } });
    expect(result).toEqual({ ok: true, rules: { ...current, status: { owner: 'shared', policy: 'ask' } } });
  });

  it('fills a missing policy with the owner’s default for the field', () => {
    const result = applyOwnershipPatch(current, { title: { owner: 'ai' }, labels: { owner: 'shared' } });
    expect(result.ok && result.rules.title).toEqual({ owner: 'ai', policy: 'agent-wins' });
    expect(result.ok && result.rules.labels).toEqual({ owner: 'shared', policy: 'merge' });
  });

  it('names the field in every problem', () => {
    const result = applyOwnershipPatch(current, {
      labels: { owner: 'human', policy: 'merge' },
      status: { owner: 'shared', policy: 'merge' },
      title: { owner: 'robot', policy: 'human-wins' },
      priority: { owner: 'shared', policy: 'whoever' },
      nope: { owner: 'human' },
      description: { owner: 'human', policy: 'human-wins', extra: 1 },
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'title.owner', message: 'expected one of: human, ai, shared' },
        { path: 'priority.policy', message: expect.stringMatching(/^expected one of: last-write-wins/) },
        { path: 'nope', message: 'unknown key' },
        { path: 'description.extra', message: 'unknown key' },
      ]),
    );
    // Pair checks run once the shapes are right.
    const pairs = applyOwnershipPatch(current, {
      labels: { owner: 'human', policy: 'merge' },
      status: { owner: 'shared', policy: 'merge' },
    });
    expect(pairs).toEqual({
      ok: false,
      problems: [
        {
          path: 'status.policy',
          message:
            'merge is only valid for labels (a set); for status use one of: last-write-wins, human-wins, agent-wins, ask',
        },
        {
          path: 'labels.policy',
          message: 'a field owned by human settles conflicts with human-wins or ask, not merge',
        },
      ],
    });
  });

  it('allows exactly the documented owner/policy pairs', () => {
    for (const field of TASK_FIELDS) {
      for (const owner of OWNERS) {
        for (const policy of POLICIES) {
          const ok = ownershipRulesSchema.safeParse({ [field]: { owner, policy } }).success;
          const expected =
            owner === 'human'
              ? policy === 'human-wins' || policy === 'ask'
              : owner === 'ai'
                ? policy === 'agent-wins' || policy === 'ask'
                : policy !== 'merge' || field === 'labels';
          expect(ok, `${field} ${owner}/${policy}`).toBe(expected);
          expect(allowedPolicies(field, owner).includes(policy)).toBe(expected);
        }
      }
    }
  });

  it('rejects an incomplete rule set where a complete one is needed', () => {
    const { title: _dropped, ...rest } = current;
    expect(validateOwnershipRules(rest)).toEqual({
      ok: false,
      problems: [{ path: 'title', message: expect.any(String) }],
    });
  });
});

describe('describeRule', () => {
  it('explains each rule in one line', () => {
    expect(describeRule({ owner: 'human', policy: 'human-wins' })).toBe(
      'Agents may not write it; a human edit always stands.',
    );
    expect(describeRule({ owner: 'shared', policy: 'last-write-wins' })).toBe(
      'People and agents both write it; when both change it, the later change wins (a tie goes to the human).',
    );
    expect(describeRule({ owner: 'shared', policy: 'merge' })).toMatch(/added and removed labels are kept/);
    expect(describeRule({ owner: 'ai', policy: 'agent-wins' })).toMatch(/^Agents write it/);
    expect(describeRule({ owner: 'ai', policy: 'ask' })).toMatch(/inbox/);
    for (const owner of OWNERS) {
      for (const policy of allowedPolicies('labels', owner)) {
        expect(describeRule({ owner, policy })).toMatch(/^[A-Z].*\.$/);
      }
    }
  });
});
