/**
 * The injectable-fault queue every fake board shares: the first fault whose `when` matches the request (or that
 * has none) fires, and it stays queued until it has fired `times` times (once by default).
 */
export interface QueuedFault<Request> {
  when?: (request: Request) => boolean;
  times?: number;
}

export function takeFault<Request, F extends QueuedFault<Request>>(faults: F[], request: Request): F | undefined {
  const at = faults.findIndex((f) => !f.when || f.when(request));
  if (at < 0) return undefined;
  const fault = faults[at]!;
  const left = (fault.times ?? 1) - 1;
  if (left <= 0) faults.splice(at, 1);
  else fault.times = left;
  return fault;
}
