import { ApiError, type ApiErrorBody, type CallResult } from '../../../shared/contract';
import { fieldLabel } from '../format';

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}

/** Checks that something really is a `CallResult` envelope before trusting it. */
export function isCallResult(value: unknown): value is CallResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v.ok === true) return 'value' in v;
  return v.ok === false && isErrorBody(v.error);
}

/** Returns the value of a successful call, or throws the core's error as an `ApiError`. */
export function unwrap<T>(result: unknown, what: string): T {
  if (!isCallResult(result)) {
    throw new ApiError({ code: 'internal', message: `${what}: the core answered with something that is not a result` });
  }
  if (!result.ok) throw new ApiError(result.error);
  return result.value as T;
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * An error for a person: a refused input names each field in words ("Title must be at most 500 characters")
 * instead of the core's "invalid input for updateTask: patch.title: …".
 */
export function describeCallError(err: unknown): string {
  if (err instanceof ApiError && err.code === 'invalid_input' && err.problems?.length) {
    return err.problems
      .map((p) => {
        const field = /([A-Za-z]+)(\[\d+\])?$/.exec(p.path)?.[1] ?? p.path;
        return `${fieldLabel(field)} ${p.message}`;
      })
      .join('; ');
  }
  return describeError(err);
}
