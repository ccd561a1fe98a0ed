import type { Handlers } from './dispatch';
import type { CoreServices } from './services';

export function pauseHandlers(s: CoreServices): Pick<Handlers, 'pauseAll' | 'resumeAll'> {
  return {
    pauseAll: ({ reason }, ctx) => s.pauseAll(`human:${ctx.transport}`, reason),
    resumeAll: (_input, ctx) => s.resumeAll(`human:${ctx.transport}`),
  };
}
