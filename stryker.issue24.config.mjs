// Issue 24's rule module alone, against its own unit file: `npx stryker run stryker.issue24.config.mjs`.
import base, { ISSUE_24 } from './stryker.config.mjs';

export default {
  ...base,
  jest: { ...base.jest, config: { ...base.jest.config, testMatch: ['<rootDir>/test/unit/identity-provider-rules.spec.ts'] } },
  mutate: ISSUE_24,
};
