import { resumeBlockedErasures } from './erasure.service';
import type { DomainHooks } from './hooks';

/**
 * The core's own handlers of the domain hooks, beside the plugins' (the registry runs them after
 * the plugins'). Rules, so they live here and not where the gateway is wired together: when the
 * last hold on a person is released, the erasures that hold blocked are open again and queued.
 */
export const coreHookHandlers: Partial<Pick<DomainHooks, 'onHoldReleased'>> = {
  onHoldReleased: async (em, subjectIds, ctx) => {
    await resumeBlockedErasures(em, subjectIds, ctx.jobs);
  },
};
