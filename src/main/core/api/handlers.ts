import { agentConfigHandlers } from './agent-config-handlers';
import { agentHandlers } from './agent-handlers';
import { boardHandlers } from './board-handlers';
import { boardConnectionHandlers } from './board-connection-handlers';
import type { Handlers } from './dispatch';
import { inboxHandlers } from './inbox-handlers';
import { onboardingHandlers } from './onboarding-handlers';
import { ownershipHandlers } from './ownership-handlers';
import { pauseHandlers } from './pause-handlers';
import { secretHandlers } from './secret-handlers';
import type { CoreServices } from './services';
import { settingsHandlers } from './settings-handlers';
import { syncHandlers } from './sync-handlers';
import { systemHandlers } from './system-handlers';

/** Every contract call, assembled from the per-domain handler groups. */
export function createHandlers(services: CoreServices): Handlers {
  return {
    ...systemHandlers(services),
    ...settingsHandlers(services),
    ...secretHandlers(services),
    ...pauseHandlers(services),
    ...syncHandlers(services),
    ...ownershipHandlers(services),
    ...boardConnectionHandlers(services),
    ...boardHandlers(services),
    ...agentHandlers(services),
    ...agentConfigHandlers(services),
    ...onboardingHandlers(services),
    ...inboxHandlers(services),
  };
}
