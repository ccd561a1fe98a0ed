import {
  callInputs,
  isCallName,
  type CallName,
  type CallOutput,
  type CallResult,
  type ParsedCallInput,
} from '../../../shared/contract';
import { describeProblems, problemsFromZod, type Problem } from '../../../shared/validation';
import { createLogger } from '../logger';

const log = createLogger('api');

/** Who is calling, for the sync log and for checks that depend on the transport. */
export interface CallContext {
  transport: 'ipc' | 'http' | 'cli';
}

export type Handlers = {
  [N in CallName]: (input: ParsedCallInput<N>, ctx: CallContext) => Promise<CallOutput<N>> | CallOutput<N>;
};

/** A handler throws this for an error the caller should see as-is (not a 500). */
export class UserFacingError extends Error {
  constructor(
    readonly code: 'not_found' | 'unavailable' | 'invalid_input',
    message: string,
    /** Field by field, so a form can show each problem next to its field. */
    readonly problems?: Problem[],
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

/**
 * The single entry point both transports use: checks the method name,
 * validates the input with the contract's schema and runs the handler.
 * Never throws; every outcome is a CallResult.
 */
export async function dispatch(
  handlers: Handlers,
  name: string,
  rawInput: unknown,
  ctx: CallContext,
): Promise<CallResult<unknown>> {
  if (!isCallName(name)) {
    return { ok: false, error: { code: 'unknown_method', message: `unknown method "${name}"` } };
  }
  const parsed = callInputs[name].safeParse(rawInput ?? {});
  if (!parsed.success) {
    const problems = problemsFromZod(parsed.error);
    return {
      ok: false,
      error: { code: 'invalid_input', message: `invalid input for ${name}: ${describeProblems(problems)}`, problems },
    };
  }
  log.debug(`call ${name} via ${ctx.transport}`);
  try {
    const handler = handlers[name] as (input: unknown, ctx: CallContext) => unknown;
    const value = await handler(parsed.data, ctx);
    return { ok: true, value };
  } catch (err) {
    if (err instanceof UserFacingError) {
      return {
        ok: false,
        error: { code: err.code, message: err.message, ...(err.problems ? { problems: err.problems } : {}) },
      };
    }
    log.error(`call ${name} failed`, err);
    return { ok: false, error: { code: 'internal', message: `${name} failed: ${errorMessage(err)}` } };
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
