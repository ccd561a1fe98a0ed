import { RunFailed } from '../agents/executor';
import { UserFacingError, type Handlers } from './dispatch';
import type { CoreServices } from './services';

/** Agents as the UI, the tray and `deckhand pause AGENT` see them: status, pause, runs and retry. */
export function agentHandlers(
  s: CoreServices,
): Pick<Handlers, 'listAgents' | 'pauseAgent' | 'resumeAgent' | 'listRuns' | 'getRun' | 'retryRun' | 'dismissRun'> {
  const known = (agentId: string): void => {
    if (!s.agents.hasAgent(agentId)) {
      const ids = s.agents.agentConfigs().map((a) => a.id);
      throw new UserFacingError('not_found', `no agent "${agentId}"; agents are: ${ids.join(', ') || '(none)'}`);
    }
  };
  return {
    listAgents: () => s.agents.summaries(),
    pauseAgent: ({ agentId, reason }, ctx) => {
      known(agentId);
      return s.setPause('agent', agentId, true, `human:${ctx.transport}`, reason);
    },
    resumeAgent: ({ agentId }, ctx) => {
      known(agentId);
      return s.setPause('agent', agentId, false, `human:${ctx.transport}`);
    },
    listRuns: (filter) => s.agents.listRuns(filter),
    getRun: ({ id }) => {
      const run = s.agents.getRun(id);
      if (!run) throw new UserFacingError('not_found', `no run #${id}`);
      return run;
    },
    retryRun: ({ id }, ctx) => {
      if (!s.agents.getRun(id)) throw new UserFacingError('not_found', `no run #${id}`);
      try {
        return s.agents.retryRun(id, `human:${ctx.transport}`);
      } catch (err) {
        if (err instanceof RunFailed) throw new UserFacingError('invalid_input', err.message);
        throw err;
      }
    },
    dismissRun: ({ id }, ctx) => {
      if (!s.agents.getRun(id)) throw new UserFacingError('not_found', `no run #${id}`);
      try {
        const run = s.agents.dismissRun(id, `human:${ctx.transport}`);
        s.publishState();
        return run;
      } catch (err) {
        if (err instanceof RunFailed) throw new UserFacingError('invalid_input', err.message);
        throw err;
      }
    },
  };
}
