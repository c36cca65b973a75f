// Issue 24's rule modules alone, against their own unit files: `npx stryker run stryker.issue24.config.mjs`.
import base, { ISSUE_24 } from './stryker.config.mjs';

export default {
  ...base,
  jest: { ...base.jest, config: { ...base.jest.config, testMatch: ['identity-provider-rules', 'console-session-rules', 'page-info-and-logs'].map((f) => `<rootDir>/test/unit/${f}.spec.ts`) } },
  mutate: ISSUE_24,
};
