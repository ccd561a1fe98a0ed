import { describe, expect, it } from 'vitest';
import { ApiError, MODEL_TEST_TIMEOUT_MS } from '../../../src/shared/contract';
import { LOG_ACTIONS } from '../../../src/shared/log-actions';
import { describeCallError } from '../../../src/renderer/src/api/envelope';
import { callTimeoutMs } from '../../../src/renderer/src/api/call-timeouts';
import { taskFormProblems } from '../../../src/renderer/src/lib/field-edit';
import { actionLabel } from '../../../src/renderer/src/lib/log-entries';

describe('Activity headings', () => {
  it('gives every kind of log entry a human heading, never the raw action', () => {
    for (const action of LOG_ACTIONS) {
      expect(actionLabel(action), action).not.toBe(action);
      expect(actionLabel(action), action).toMatch(/^[A-Z]/);
    }
  });
});

describe('a card title over the limit', () => {
  it('is named with its limit and length in the form, before anything is sent', () => {
    expect(taskFormProblems({ title: 'x'.repeat(523) })).toEqual({
      title: 'Title must be at most 500 characters (this one has 523)',
    });
    expect(taskFormProblems({ title: 'x'.repeat(500) })).toEqual({});
  });

  it("reads as the field's name and the rule when the core refuses it, not as the call's input path", () => {
    const refused = new ApiError({
      code: 'invalid_input',
      message: 'invalid input for updateTask: patch.title: must be at most 500 characters',
      problems: [{ path: 'patch.title', message: 'must be at most 500 characters' }],
    });
    expect(describeCallError(refused)).toBe('Title must be at most 500 characters');
    expect(describeCallError(new ApiError({ code: 'unavailable', message: 'board offline' }))).toBe('board offline');
  });
});

describe('"Test the model" over HTTP', () => {
  it("waits longer than the core's own wait for the model, so the core's answer (not a client timeout) arrives", () => {
    expect(callTimeoutMs('testAgentModel')).toBeGreaterThan(MODEL_TEST_TIMEOUT_MS);
    expect(MODEL_TEST_TIMEOUT_MS).toBeGreaterThanOrEqual(30_000);
    expect(callTimeoutMs('getState')).toBe(15_000);
  });
});
