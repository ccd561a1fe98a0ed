import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyLabelDelta,
  intentFromPatch,
  labelDelta,
  mergeField,
  mergeLabelSets,
  mergePatch,
  valuesEqual,
  type AgentIntentPatch,
  type MergeOutcome,
} from '../../../src/main/core/engine/merge';
import { checkAgentWrite } from '../../../src/main/core/engine/ownership';
import {
  allowedPolicies,
  defaultOwnershipRules,
  OWNERS,
  type FieldRule,
  type OwnershipRules,
  type Policy,
} from '../../../src/shared/ownership';
import { TASK_FIELDS, type TaskFields } from '../../../src/shared/task';

const shared = (policy: Policy): FieldRule => ({ owner: 'shared', policy });
const EARLY = 1_000;
const LATE = 2_000;

const fields = (over: Partial<TaskFields> = {}): TaskFields => ({
  title: 'Write docs',
  description: '',
  status: 'todo',
  assignee: null,
  priority: 0,
  labels: [],
  agentNotes: '',
  parentId: null,
  dueDate: null,
  ...over,
});

describe('labelDelta / applyLabelDelta / mergeLabelSets', () => {
  it('computes a disjoint, sorted delta', () => {
    expect(labelDelta(['b', 'a', 'c'], ['c', 'd', 'a'])).toEqual({ add: ['d'], remove: ['b'] });
    expect(labelDelta(['a'], ['a'])).toEqual({ add: [], remove: [] });
  });

  it('applies (labels − remove) ∪ add, sorted and deduplicated', () => {
    expect(applyLabelDelta(['z', 'b', 'a'], { add: ['c', 'c'], remove: ['b'] })).toEqual(['a', 'c', 'z']);
  });

  it('merges both sides’ adds and removes', () => {
    expect(mergeLabelSets(['bug', 'ui'], ['bug', 'ui', 'urgent'], ['ui', 'agent'])).toEqual(['agent', 'ui', 'urgent']);
  });

  it('compares arrays as sets and everything else strictly', () => {
    expect(valuesEqual(['b', 'a'], ['a', 'b'])).toBe(true);
    expect(valuesEqual(['a'], ['a', 'b'])).toBe(false);
    expect(valuesEqual(null, null)).toBe(true);
    expect(valuesEqual(0, null)).toBe(false);
    expect(valuesEqual('1', 1)).toBe(false);
  });
});

describe('mergeField: scalar fields, every base/remote/agent combination', () => {
  const B = 'todo';
  const H = 'review'; // the human's value
  const A = 'working'; // the agent's value

  type Row = [name: string, remote: string, agent: string, outcome: MergeOutcome, value: string | undefined];
  const rowsNotDependingOnPolicy: Row[] = [
    ['nobody changed it', B, B, 'unchanged', B],
    ['only the agent changed it', B, A, 'apply-agent', A],
    ['only the human changed it', H, B, 'keep-remote', H],
    ['both made the same change', A, A, 'unchanged', A],
  ];
  const policies: Policy[] = ['last-write-wins', 'human-wins', 'agent-wins', 'ask'];

  for (const policy of policies) {
    for (const [name, remote, agent, outcome, value] of rowsNotDependingOnPolicy) {
      it(`${policy}: ${name} → ${outcome}`, () => {
        const r = mergeField({
          field: 'status',
          rule: shared(policy),
          base: B,
          remote,
          agent,
          remoteChangedAt: EARLY,
          agentChangedAt: LATE,
        });
        expect(r.outcome).toBe(outcome);
        expect(r.value).toBe(value);
        expect(r.loser).toBeUndefined();
      });
    }
  }

  type ConflictRow = [
    rule: FieldRule,
    remoteAt: number,
    agentAt: number,
    outcome: MergeOutcome,
    value: string | undefined,
    loser: { side: 'human' | 'agent'; value: string } | undefined,
  ];
  const both: ConflictRow[] = [
    [shared('human-wins'), EARLY, LATE, 'keep-remote', H, { side: 'agent', value: A }],
    [shared('agent-wins'), LATE, EARLY, 'apply-agent', A, { side: 'human', value: H }],
    [{ owner: 'ai', policy: 'agent-wins' }, LATE, EARLY, 'apply-agent', A, { side: 'human', value: H }],
    [shared('last-write-wins'), EARLY, LATE, 'apply-agent', A, { side: 'human', value: H }],
    [shared('last-write-wins'), LATE, EARLY, 'keep-remote', H, { side: 'agent', value: A }],
    [shared('last-write-wins'), LATE, LATE, 'keep-remote', H, { side: 'agent', value: A }],
    [shared('last-write-wins'), Number.NaN, LATE, 'keep-remote', H, { side: 'agent', value: A }],
    [shared('ask'), EARLY, LATE, 'conflict', undefined, undefined],
    [{ owner: 'ai', policy: 'ask' }, EARLY, LATE, 'conflict', undefined, undefined],
    // merge is refused for scalars by validation; if it slips through, a person decides.
    [shared('merge'), EARLY, LATE, 'conflict', undefined, undefined],
  ];
  for (const [rule, remoteAt, agentAt, outcome, value, loser] of both) {
    it(`both changed, ${rule.owner}/${rule.policy} (remote@${remoteAt}, agent@${agentAt}) → ${outcome}`, () => {
      const r = mergeField({
        field: 'status',
        rule,
        base: B,
        remote: H,
        agent: A,
        remoteChangedAt: remoteAt,
        agentChangedAt: agentAt,
      });
      expect(r.outcome).toBe(outcome);
      expect(r.value).toBe(value);
      expect(r.loser).toEqual(loser);
      expect(r.reason).toMatch(rule.policy);
    });
  }

  it('never writes a human-owned field, even when only the agent changed it', () => {
    const r = mergeField({
      field: 'title',
      rule: { owner: 'human', policy: 'human-wins' },
      base: 'a',
      remote: 'a',
      agent: 'b',
      remoteChangedAt: EARLY,
      agentChangedAt: LATE,
    });
    expect(r).toMatchObject({ outcome: 'keep-remote', value: 'a', loser: { side: 'agent', value: 'b' } });
  });

  it('treats null as a value (clearing the assignee is a change)', () => {
    const r = mergeField({
      field: 'assignee',
      rule: shared('last-write-wins'),
      base: 'ann',
      remote: 'ann',
      agent: null,
      remoteChangedAt: EARLY,
      agentChangedAt: LATE,
    });
    expect(r).toMatchObject({ outcome: 'apply-agent', value: null });
  });
});

describe('mergeField: labels', () => {
  const merge = (policy: Policy, base: string[], remote: string[], agent: string[], remoteAt = EARLY, agentAt = LATE) =>
    mergeField({
      field: 'labels',
      rule: shared(policy),
      base,
      remote,
      agent: labelDelta(base, agent),
      remoteChangedAt: remoteAt,
      agentChangedAt: agentAt,
    });

  for (const policy of ['merge', 'last-write-wins', 'human-wins', 'agent-wins', 'ask'] as Policy[]) {
    it(`${policy}: nobody changed / only one side / same change`, () => {
      expect(merge(policy, ['a'], ['a'], ['a'])).toMatchObject({ outcome: 'unchanged', value: ['a'] });
      expect(merge(policy, ['a'], ['a'], ['a', 'x'])).toMatchObject({ outcome: 'apply-agent', value: ['a', 'x'] });
      expect(merge(policy, ['a'], ['a', 'h'], ['a'])).toMatchObject({ outcome: 'keep-remote', value: ['a', 'h'] });
      expect(merge(policy, ['a'], ['a', 'x'], ['a', 'x'])).toMatchObject({ outcome: 'unchanged', value: ['a', 'x'] });
      expect(merge(policy, ['a'], ['a', 'h'], ['a'])).not.toHaveProperty('loser');
    });
  }

  it('merge: both sides’ adds and removes survive, nobody loses', () => {
    const r = merge('merge', ['bug', 'ui'], ['bug', 'ui', 'urgent'], ['ui', 'agent']);
    expect(r).toMatchObject({ outcome: 'apply-agent', value: ['agent', 'ui', 'urgent'] });
    expect(r.loser).toBeUndefined();
  });

  it('agent-wins applies the agent’s delta onto the board’s set, keeping the human’s other changes', () => {
    expect(merge('agent-wins', ['a', 'b'], ['a', 'b', 'h'], ['b', 'x'])).toMatchObject({
      outcome: 'apply-agent',
      value: ['b', 'h', 'x'],
    });
  });

  it('human-wins keeps the board’s set and logs the agent’s list as the loser', () => {
    expect(merge('human-wins', ['a'], ['a', 'h'], ['a', 'x'])).toEqual({
      field: 'labels',
      outcome: 'keep-remote',
      value: ['a', 'h'],
      loser: { side: 'agent', value: ['a', 'x'] },
      reason: expect.stringMatching(/human-wins/),
    });
  });

  it('last-write-wins applies the delta only when the agent is later; a tie goes to the human', () => {
    expect(merge('last-write-wins', ['a'], ['a', 'h'], ['x'], EARLY, LATE)).toMatchObject({
      outcome: 'apply-agent',
      value: ['h', 'x'],
    });
    expect(merge('last-write-wins', ['a'], ['a', 'h'], ['x'], LATE, EARLY).outcome).toBe('keep-remote');
    expect(merge('last-write-wins', ['a'], ['a', 'h'], ['x'], LATE, LATE).outcome).toBe('keep-remote');
  });

  it('ask opens a conflict', () => {
    expect(merge('ask', ['a'], ['a', 'h'], ['a', 'x']).outcome).toBe('conflict');
  });

  it('a stale full list never brings back a label a human removed', () => {
    // The agent read [bug, ui] and sent its full list [bug, ui, agent]; meanwhile a person removed "bug".
    const r = mergeField({
      field: 'labels',
      rule: shared('merge'),
      base: ['bug', 'ui'],
      remote: ['ui'],
      agent: ['bug', 'ui', 'agent'],
      remoteChangedAt: EARLY,
      agentChangedAt: LATE,
    });
    expect(r).toMatchObject({ outcome: 'apply-agent', value: ['agent', 'ui'] });
  });

  it('an agent delta whose change is already on the board is unchanged, whatever the policy', () => {
    // Agent removes "a"; a person removed both "a" and "b": nothing left to do, and nobody lost.
    for (const policy of ['merge', 'human-wins', 'ask'] as Policy[]) {
      expect(merge(policy, ['a', 'b'], [], ['b'])).toMatchObject({ outcome: 'unchanged', value: [] });
    }
  });

  it('reports the human as loser when a replayed delta flips a label the human changed', () => {
    // The delta was taken against an older base: it removes "h", which the human added since our base.
    const r = mergeField({
      field: 'labels',
      rule: shared('merge'),
      base: ['a'],
      remote: ['a', 'h'],
      agent: { add: ['x'], remove: ['h'] },
      remoteChangedAt: EARLY,
      agentChangedAt: LATE,
    });
    expect(r).toMatchObject({ outcome: 'apply-agent', value: ['a', 'x'], loser: { side: 'human', value: ['a', 'h'] } });
  });
});

describe('mergePatch', () => {
  const rules = defaultOwnershipRules();
  const times = { remoteChangedAt: EARLY, agentChangedAt: LATE };

  it('refuses human-owned fields, writes only what differs from the board, and lists conflicts', () => {
    const base = fields({ status: 'todo', labels: ['bug'], agentNotes: '' });
    const remote = fields({ status: 'todo', labels: ['bug', 'ui'], agentNotes: '', title: 'Renamed' });
    const askRules: OwnershipRules = { ...rules, agentNotes: { owner: 'ai', policy: 'ask' } };
    const remote2 = { ...remote, agentNotes: 'human scribble' };
    const out = mergePatch(
      askRules,
      base,
      remote2,
      {
        title: 'Agent title',
        status: 'working',
        labels: { add: ['agent'], remove: [] },
        agentNotes: 'found the cause',
      },
      times,
    );
    expect(out.refused).toEqual([{ field: 'title', reason: expect.stringMatching(/owned by humans/) }]);
    expect(out.toWrite).toEqual({ status: 'working', labels: ['agent', 'bug', 'ui'] });
    expect(out.conflicts).toEqual([
      { field: 'agentNotes', base: '', remote: 'human scribble', agentValue: 'found the cause' },
    ]);
    expect(out.results.map((r) => [r.field, r.outcome])).toEqual([
      ['status', 'apply-agent'],
      ['labels', 'apply-agent'],
      ['agentNotes', 'conflict'],
    ]);
  });

  it('gives a labels conflict with the delta, so taking the agent side can re-apply it', () => {
    const askRules: OwnershipRules = { ...rules, labels: { owner: 'shared', policy: 'ask' } };
    const out = mergePatch(
      askRules,
      fields({ labels: ['a'] }),
      fields({ labels: ['a', 'h'] }),
      { labels: { add: ['x'], remove: [] } },
      times,
    );
    expect(out.conflicts).toEqual([
      {
        field: 'labels',
        base: ['a'],
        remote: ['a', 'h'],
        agentValue: ['a', 'x'],
        labelDelta: { add: ['x'], remove: [] },
      },
    ]);
    expect(out.toWrite).toEqual({});
  });

  it('intentFromPatch turns a full label list into a delta against the base the agent saw', () => {
    expect(intentFromPatch(fields({ labels: ['a', 'b'] }), { labels: ['b', 'c'], status: 'done' })).toEqual({
      status: 'done',
      labels: { add: ['c'], remove: ['a'] },
    });
    expect(intentFromPatch(fields(), { status: 'done' })).toEqual({ status: 'done' });
  });
});

// ---------------------------------------------------------------------------
// Properties

const LABELS = ['a', 'b', 'c', 'd', 'e', 'f'];
const labelSet = fc.uniqueArray(fc.constantFrom(...LABELS)).map((l) => [...l].sort());
const str = fc.constantFrom('', 'x', 'y', 'z');
const nullable = fc.option(fc.constantFrom('p', 'q'), { nil: null });
const taskFields: fc.Arbitrary<TaskFields> = fc.record({
  title: str,
  description: str,
  status: fc.constantFrom('todo', 'working', 'review', 'done'),
  assignee: nullable,
  priority: fc.integer({ min: 0, max: 4 }),
  labels: labelSet,
  agentNotes: str,
  parentId: nullable,
  dueDate: fc.option(fc.constantFrom('2026-01-01', '2026-02-02'), { nil: null }),
});
const ownershipRules: fc.Arbitrary<OwnershipRules> = fc
  .tuple(
    ...TASK_FIELDS.map((field) =>
      fc
        .constantFrom(...OWNERS)
        .chain((owner) =>
          fc.constantFrom(...allowedPolicies(field, owner)).map((policy): FieldRule => ({ owner, policy })),
        ),
    ),
  )
  .map((list) => Object.fromEntries(TASK_FIELDS.map((f, i) => [f, list[i]])) as OwnershipRules);
const agentPatch = (base: TaskFields): fc.Arbitrary<AgentIntentPatch> =>
  fc
    .tuple(taskFields, fc.subarray([...TASK_FIELDS]))
    .map(([next, keys]) => intentFromPatch(base, Object.fromEntries(keys.map((k) => [k, next[k]]))));
const time = fc.integer({ min: 0, max: 10_000 });

describe('merge properties', () => {
  it('(a) an agent never changes a human-owned field', () => {
    fc.assert(
      fc.property(
        ownershipRules,
        taskFields,
        taskFields,
        taskFields.chain((b) => agentPatch(b).map((p) => [b, p] as const)),
        time,
        time,
        (rules, _unused, remote, [base, intent], remoteAt, agentAt) => {
          const { allowed } = checkAgentWrite(rules, intent);
          const out = mergePatch(rules, base, remote, allowed, { remoteChangedAt: remoteAt, agentChangedAt: agentAt });
          const alsoRaw = mergePatch(rules, base, remote, intent, {
            remoteChangedAt: remoteAt,
            agentChangedAt: agentAt,
          });
          for (const field of TASK_FIELDS) {
            if (rules[field].owner !== 'human') continue;
            expect(out.toWrite).not.toHaveProperty(field);
            expect(alsoRaw.toWrite).not.toHaveProperty(field);
            expect(alsoRaw.results.find((r) => r.field === field)).toBeUndefined();
          }
          for (const [field, value] of Object.entries(alsoRaw.toWrite)) {
            expect(valuesEqual(value, remote[field as keyof TaskFields])).toBe(false);
          }
        },
      ),
    );
  });

  it('(b) label merge keeps every add and every remove, and replaying the delta is idempotent', () => {
    fc.assert(
      fc.property(labelSet, labelSet, labelSet, (base, human, agentNext) => {
        const delta = labelDelta(base, agentNext);
        const rules = defaultOwnershipRules(); // labels: shared/merge
        const out = mergePatch(
          rules,
          fields({ labels: base }),
          fields({ labels: human }),
          { labels: delta },
          {
            remoteChangedAt: EARLY,
            agentChangedAt: LATE,
          },
        );
        const final = out.toWrite.labels ?? human;
        for (const side of [human, agentNext]) {
          for (const l of side.filter((x) => !base.includes(x))) expect(final).toContain(l);
          for (const l of base.filter((x) => !side.includes(x))) expect(final).not.toContain(l);
        }
        expect(final).toEqual(mergeLabelSets(base, human, agentNext));
        // Replaying after a crash: the delta applied twice, and a re-merge against the written board, change nothing.
        expect(applyLabelDelta(applyLabelDelta(human, delta), delta)).toEqual(applyLabelDelta(human, delta));
        const replay = mergePatch(
          rules,
          fields({ labels: base }),
          fields({ labels: final }),
          { labels: delta },
          {
            remoteChangedAt: LATE,
            agentChangedAt: LATE,
          },
        );
        expect(replay.toWrite).toEqual({});
      }),
    );
  });

  it('(b) any delta, even one not from labelDelta, is idempotent', () => {
    fc.assert(
      fc.property(labelSet, labelSet, labelSet, (labels, add, remove) => {
        const once = applyLabelDelta(labels, { add, remove });
        expect(applyLabelDelta(once, { add, remove })).toEqual(once);
      }),
    );
  });

  it('(c) last-write-wins: the later change survives, whichever side made it', () => {
    const distinct = fc
      .uniqueArray(fc.constantFrom('todo', 'working', 'review', 'done', 'blocked'), { minLength: 3, maxLength: 3 })
      .map(([b, h, a]) => ({ b: b!, h: h!, a: a! }));
    const twoTimes = fc.uniqueArray(time, { minLength: 2, maxLength: 2 });
    fc.assert(
      fc.property(distinct, twoTimes, ({ b, h, a }, [remoteAt, agentAt]) => {
        const rules = defaultOwnershipRules(); // status: shared/last-write-wins
        const out = mergePatch(
          rules,
          fields({ status: b }),
          fields({ status: h }),
          { status: a },
          {
            remoteChangedAt: remoteAt!,
            agentChangedAt: agentAt!,
          },
        );
        const final = out.toWrite.status ?? h;
        expect(final).toBe(agentAt! > remoteAt! ? a : h);
        expect(out.results[0]!.loser).toEqual(
          agentAt! > remoteAt! ? { side: 'human', value: h } : { side: 'agent', value: a },
        );
      }),
    );
  });

  it('(c) last-write-wins on labels: the later side’s change survives', () => {
    fc.assert(
      fc.property(
        labelSet,
        labelSet,
        labelSet,
        fc.uniqueArray(time, { minLength: 2, maxLength: 2 }),
        (base, human, agentNext, [remoteAt, agentAt]) => {
          const rules: OwnershipRules = {
            ...defaultOwnershipRules(),
            labels: { owner: 'shared', policy: 'last-write-wins' },
          };
          const delta = labelDelta(base, agentNext);
          const out = mergePatch(
            rules,
            fields({ labels: base }),
            fields({ labels: human }),
            { labels: delta },
            {
              remoteChangedAt: remoteAt!,
              agentChangedAt: agentAt!,
            },
          );
          const final = out.toWrite.labels ?? human;
          if (agentAt! > remoteAt! || valuesEqual(human, base)) expect(final).toEqual(applyLabelDelta(human, delta));
          else expect(final).toEqual(human);
        },
      ),
    );
  });

  it('(d) mergeLabelSets is commutative in its two sides', () => {
    fc.assert(
      fc.property(labelSet, labelSet, labelSet, (base, a, b) => {
        expect(mergeLabelSets(base, a, b)).toEqual(mergeLabelSets(base, b, a));
      }),
    );
  });

  it('every losing value is reported with its side; a write always has a different value than the board', () => {
    fc.assert(
      fc.property(
        ownershipRules,
        taskFields,
        taskFields.chain((b) => agentPatch(b).map((p) => [b, p] as const)),
        time,
        time,
        (rules, remote, [base, intent], remoteAt, agentAt) => {
          const out = mergePatch(rules, base, remote, intent, { remoteChangedAt: remoteAt, agentChangedAt: agentAt });
          for (const r of out.results) {
            if (r.outcome === 'conflict') expect(out.conflicts.map((c) => c.field)).toContain(r.field);
            else expect(r).toHaveProperty('value');
            if (r.outcome === 'apply-agent') expect(out.toWrite).toHaveProperty(r.field);
            if (r.loser?.side === 'agent') expect(r.outcome).toBe('keep-remote');
            if (r.loser?.side === 'human') expect(r.outcome).toBe('apply-agent');
          }
        },
      ),
    );
  });
});
