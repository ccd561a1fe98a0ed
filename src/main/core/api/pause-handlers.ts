import type { Handlers } from './dispatch';
import type { CoreServices } from './services';

export function pauseHandlers(s: CoreServices): Pick<Handlers, 'pauseAll' | 'resumeAll'> {
  return {
    pauseAll: ({ reason }, ctx) => s.setPause('global', '', true, `human:${ctx.transport}`, reason),
    resumeAll: (_input, ctx) => s.setPause('global', '', false, `human:${ctx.transport}`),
  };
}
