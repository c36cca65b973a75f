// Issue 22's rule modules alone, against their own unit file: `npx stryker run stryker.issue22.config.mjs`.
// (The main config runs every rule module's file for each mutant; this one is a tenth of the time.)
import base, { ISSUE_22 } from './stryker.config.mjs';

export default {
  ...base,
  jest: { ...base.jest, config: { ...base.jest.config, testMatch: ['<rootDir>/test/unit/access-rules.spec.ts'] } },
  mutate: ISSUE_22,
};
