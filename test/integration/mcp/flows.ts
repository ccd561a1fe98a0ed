import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, expect, it } from 'vitest';
import type { Harness } from '../agents/harness';
import { tool, untilListed, type BoardSide } from './harness';

/** One started Deckhand with an MCP client connected as agent `coder`. */
export interface FlowEnv {
  harness: Harness;
  side: BoardSide;
  coder: Client;
  close(): Promise<void>;
}

export type StartFlowEnv = (options: { ownership?: Record<string, unknown> }) => Promise<FlowEnv>;

const logOf = (harness: Harness) => [...harness.core.logEntries({})];

/**
 * The MCP flows of issue 14, for any board and any transport: `start` brings up a
 * Deckhand on the board and connects the SDK's client (over HTTP or the stdio bridge).
 */
export function mcpFlows(start: StartFlowEnv): void {
  const opened: FlowEnv[] = [];
  afterEach(async () => {
    for (const env of opened.splice(0).reverse()) await env.close();
  });
  const open = async (options: Parameters<StartFlowEnv>[0] = {}): Promise<FlowEnv> => {
    const env = await start(options);
    opened.push(env);
    return env;
  };

  it('lists about eight tools, each with input and output schemas and its hints', async () => {
    const { coder } = await open();
    const { tools } = await coder.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'ask_person',
      'board_rules',
      'claim_task',
      'comment',
      'create_subtasks',
      'get_task',
      'list_my_work',
      'release_task',
      'set_status',
      'write_notes',
    ]);
    for (const t of tools) {
      expect(t.description!.length, t.name).toBeGreaterThan(20);
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type, t.name).toBe('object');
      expect(typeof t.annotations?.readOnlyHint, t.name).toBe('boolean');
      expect(typeof t.annotations?.idempotentHint, t.name).toBe('boolean');
      expect(typeof t.annotations?.destructiveHint, t.name).toBe('boolean');
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.get_task!.annotations!.readOnlyHint).toBe(true);
    expect(byName.write_notes!.annotations!.destructiveHint).toBe(true);
    expect(byName.claim_task!.annotations!.readOnlyHint).toBe(false);
  });

  it('claim, notes, status, comment, subtasks, ask (and the answer), release: each on the board, each logged', async () => {
    const { harness, side, coder } = await open();
    const id = await side.createRouted('Fix the cache');
    await untilListed(coder, id);

    const listed = (await tool(coder, 'list_my_work')).value.tasks.find((t: { id: string }) => t.id === id);
    expect(listed).toMatchObject({ claimedByMe: false, claimable: true, waitingOnPerson: null });

    const claim = await tool(coder, 'claim_task', { task_id: id, reason: 'I know this code' });
    expect(claim.isError).toBe(false);
    expect(claim.value).toMatchObject({ taskId: id, claimed: true, alreadyHeld: false });
    let task = await side.read(id);
    expect(task.status).toBe(side.columns.working);
    expect(task.labels.some((l) => l.startsWith('claim:coder@'))).toBe(true);

    const got = await tool(coder, 'get_task', { task_id: id });
    expect(got.value.task.title).toBe('Fix the cache');
    expect(got.value.task.labels).toEqual(['needs-ai']);
    expect(got.value.ownership.title).toEqual({ owner: 'human', policy: expect.any(String), agentMayWrite: false });
    expect(got.value.ownership.agentNotes.agentMayWrite).toBe(true);

    const notes = await tool(coder, 'write_notes', { task_id: id, notes: 'The TTL is read in seconds, set in ms.' });
    expect(notes.isError).toBe(false);
    expect(notes.value.effects).toEqual([expect.objectContaining({ kind: 'update', state: 'done', duplicate: false })]);
    expect((await side.read(id)).agentNotes).toContain('The TTL is read in seconds, set in ms.');

    const comment = await tool(coder, 'comment', { task_id: id, body: 'Found it: cache.ts line 40.' });
    expect(comment.value.effects[0]).toMatchObject({ kind: 'comment', state: 'done' });
    expect(await side.comments(id)).toContain('Found it: cache.ts line 40.');

    const subtasks = await tool(coder, 'create_subtasks', {
      task_id: id,
      subtasks: [
        { title: 'Convert the TTL', estimate: '1h' },
        { title: 'Add a regression test', estimate: '2h' },
      ],
    });
    expect(subtasks.isError).toBe(false);
    expect(subtasks.value.created).toHaveLength(2);
    const children = await side.children(id);
    expect(children.map((c) => c.title).sort()).toEqual(['Add a regression test', 'Convert the TTL']);

    const status = await tool(coder, 'set_status', { task_id: id, status: 'review' });
    expect(status.value.effects[0]).toMatchObject({ state: 'done', kept: [] });
    expect((await side.read(id)).status).toBe(side.columns.review);

    await tool(coder, 'get_task', { task_id: id });
    const ask = await tool(coder, 'ask_person', { task_id: id, question: 'Seconds or milliseconds in the API?' });
    expect(ask.isError).toBe(false);
    expect(ask.value.waiting).toBe(true);
    task = await side.read(id);
    expect(task.status).toBe(side.columns.blocked);
    expect((await side.comments(id)).some((c) => c.includes('Seconds or milliseconds in the API?'))).toBe(true);
    const waiting = (await tool(coder, 'list_my_work')).value.tasks.find((t: { id: string }) => t.id === id);
    expect(waiting.waitingOnPerson.question).toBe('Seconds or milliseconds in the API?');
    expect(harness.core.getState().counts.blockedOnHuman).toBe(1);

    // The person answers and moves the card back; the answer arrives in get_task.
    await side.personComment(id, 'Milliseconds, please.');
    await side.personEdit(id, { status: side.columns.working });
    let answered = (await tool(coder, 'get_task', { task_id: id })).value;
    for (const deadline = Date.now() + 15_000; !answered.answer && Date.now() < deadline;) {
      await harness.core.agents.checkWaiting();
      answered = (await tool(coder, 'get_task', { task_id: id })).value;
    }
    expect(answered.answer).toBe('Milliseconds, please.');
    expect(answered.waitingOnPerson).toBeNull();

    // ask_person with wait_seconds: the time runs out first (waiting), then, asked again, the answer comes back in the call.
    const unanswered = await tool(coder, 'ask_person', {
      task_id: id,
      question: 'Keep the old name?',
      wait_seconds: 1,
    });
    expect(unanswered.isError).toBe(false);
    expect(unanswered.value).toMatchObject({ waiting: true, answer: null, duplicate: false });
    const person = (async () => {
      await new Promise((r) => setTimeout(r, 500));
      await side.personComment(id, 'Yes, keep it.');
      await side.personEdit(id, { status: side.columns.working });
      for (let i = 0; i < 60; i++) {
        await harness.core.agents.checkWaiting();
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const waited = await tool(coder, 'ask_person', { task_id: id, question: 'Keep the old name?', wait_seconds: 20 });
    expect(waited.isError).toBe(false);
    expect(waited.value).toMatchObject({ waiting: false, answer: 'Yes, keep it.', duplicate: true });
    await person;
    const tooLong = await tool(coder, 'ask_person', { task_id: id, question: 'Again?', wait_seconds: 601 });
    expect(tooLong.isError).toBe(true);

    const release = await tool(coder, 'release_task', { task_id: id, move_to: 'review' });
    expect(release.isError).toBe(false);
    task = await side.read(id);
    expect(task.status).toBe(side.columns.review);
    expect(task.labels.some((l) => l.startsWith('claim:'))).toBe(false);

    const log = logOf(harness).filter((e) => e.actor === 'agent:coder');
    const tools = log.filter((e) => e.action === 'mcp.call').map((e) => (e.after as { tool: string }).tool);
    expect(tools).toEqual(expect.arrayContaining(['claim_task', 'write_notes', 'set_status', 'ask_person']));
    const queued = log.filter((e) => e.action === 'intent.queued').map((e) => e.reason);
    expect(queued).toEqual(expect.arrayContaining(['MCP write_notes', 'MCP comment', 'MCP set_status']));
    expect(log.find((e) => e.action === 'agent.run.claimed')?.reason).toContain('I know this code');
    const summary = harness.core.getState().agents.find((a) => a.id === 'coder')!;
    expect(summary.mcp).toMatchObject({ connected: true, lastTool: 'release_task' });
  });

  it('a write to a field people own is refused, naming the field, its owner and the rule, and logged', async () => {
    const { harness, side, coder } = await open({ ownership: { status: 'human' } });
    const id = await side.createRouted('Human-owned status');
    await untilListed(coder, id);
    // The claim writes its label; its move is refused (status is the people's) and the card stays where it was.
    expect((await tool(coder, 'claim_task', { task_id: id })).isError).toBe(false);
    const refused = await tool(coder, 'set_status', { task_id: id, status: 'done' });
    expect(refused.isError).toBe(true);
    expect(refused.value.error).toMatchObject({
      code: 'write_refused',
      refused: [{ field: 'status', owner: 'human', rule: expect.stringContaining('owned by humans') }],
    });
    expect((await side.read(id)).status).toBe(side.columns.todo);
    const entry = logOf(harness).filter((e) => e.action === 'write.refused' && e.taskId === id);
    expect(entry.map((e) => [e.actor, e.field])).toContainEqual(['agent:coder', 'status']);
  });

  it('the same call retried acts once: with a request id, and with the same arguments', async () => {
    const { side, coder } = await open();
    const id = await side.createRouted('Retry me');
    await untilListed(coder, id);
    await tool(coder, 'claim_task', { task_id: id, request_id: 'claim-1' });
    const again = await tool(coder, 'claim_task', { task_id: id, request_id: 'claim-1' });
    expect(again.value).toMatchObject({ claimed: true, alreadyHeld: true });

    const first = await tool(coder, 'comment', { task_id: id, body: 'Once only', request_id: 'c-1' });
    const retry = await tool(coder, 'comment', { task_id: id, body: 'Once only', request_id: 'c-1' });
    expect(first.value.effects[0].duplicate).toBe(false);
    expect(retry.value.effects[0]).toMatchObject({ duplicate: true, state: 'done' });
    const plain = await tool(coder, 'comment', { task_id: id, body: 'No id given' });
    const plainAgain = await tool(coder, 'comment', { task_id: id, body: 'No id given' });
    expect(plain.value.effects[0].duplicate).toBe(false);
    expect(plainAgain.value.effects[0].duplicate).toBe(true);
    const comments = await side.comments(id);
    expect(comments.filter((c) => c === 'Once only')).toHaveLength(1);
    expect(comments.filter((c) => c === 'No id given')).toHaveLength(1);

    const subtasks = { task_id: id, subtasks: [{ title: 'Only one of me', estimate: '1h' }], request_id: 's-1' };
    await tool(coder, 'create_subtasks', subtasks);
    await tool(coder, 'create_subtasks', subtasks);
    expect((await side.children(id)).filter((t) => t.title === 'Only one of me')).toHaveLength(1);
  });

  it('a paused agent answers paused, by whom and why, and writes nothing', async () => {
    const { harness, side, coder } = await open();
    const id = await side.createRouted('Pause me');
    await untilListed(coder, id);
    await tool(coder, 'claim_task', { task_id: id });
    const before = await side.read(id);
    const paused = await harness.call('pauseAgent', { agentId: 'coder', reason: 'reviewing its last change' });
    expect(paused.ok).toBe(true);
    const write = await tool(coder, 'write_notes', { task_id: id, notes: 'should not land' });
    expect(write.isError).toBe(true);
    expect(write.value.error).toMatchObject({
      code: 'paused',
      pausedBy: 'human:http',
      why: expect.stringContaining('reviewing its last change'),
    });
    const comment = await tool(coder, 'comment', { task_id: id, body: 'nor this' });
    expect(comment.value.error.code).toBe('paused');
    expect((await side.read(id)).agentNotes).toBe(before.agentNotes);
    expect(await side.comments(id)).not.toContain('nor this');
    expect(harness.core.getState().agents.find((a) => a.id === 'coder')!.pause.paused).toBe(true);
    // Reads still work while paused, and the rules say it is paused.
    expect((await tool(coder, 'board_rules')).value.paused.by).toBe('human:http');
    await harness.call('resumeAgent', { agentId: 'coder' });
    expect((await tool(coder, 'write_notes', { task_id: id, notes: 'now it lands' })).isError).toBe(false);
  });

  it("a person's edit between the agent's read and its write: the field policy applies", async () => {
    const { harness, side, coder } = await open();
    const id = await side.createRouted('Slow agent');
    await untilListed(coder, id);
    await tool(coder, 'claim_task', { task_id: id });
    await tool(coder, 'get_task', { task_id: id });
    // While the agent thinks, a person retitles the card and moves it to review themselves.
    await side.personEdit(id, { title: 'Slow agent (renamed by a person)', status: side.columns.review });
    // The agent, working from its read, moves it to blocked and writes notes.
    const move = await tool(coder, 'set_status', { task_id: id, status: 'blocked' });
    expect(move.isError).toBe(false);
    expect(move.value.changedSinceRead).toBe(`retitled, moved to ${side.columns.review}`);
    expect(move.value.effects[0].kept).toEqual([expect.objectContaining({ field: 'status' })]);
    const notes = await tool(coder, 'write_notes', { task_id: id, notes: 'Done thinking.' });
    expect(notes.isError).toBe(false);
    const task = await side.read(id);
    // status is shared, last-write-wins with a compare-and-set move: the person's later move stands.
    expect(task.status).toBe(side.columns.review);
    expect(task.title).toBe('Slow agent (renamed by a person)');
    expect(task.agentNotes).toContain('Done thinking.');
    expect(logOf(harness).some((e) => e.action === 'agent.run.task-changed' && e.taskId === id)).toBe(true);
  });

  it("writes need the agent's claim, and a task not routed to it is not its to read", async () => {
    const { side, coder } = await open();
    const id = await side.createRouted('Not claimed yet');
    const other = await side.createRouted('For the reviewer', ['needs-review']);
    await untilListed(coder, id);
    const write = await tool(coder, 'write_notes', { task_id: id, notes: 'too early' });
    expect(write.value.error.code).toBe('not_claimed');
    const foreign = await tool(coder, 'get_task', { task_id: other });
    expect(foreign.value.error.code).toBe('not_routed');
    expect((await tool(coder, 'claim_task', { task_id: other })).value.error.code).toBe('not_claimable');
  });
}
