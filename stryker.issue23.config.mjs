// Issue 23's rule modules alone, against their own unit files: `npx stryker run stryker.issue23.config.mjs`.
import base, { ISSUE_23 } from './stryker.config.mjs';

export default {
  ...base,
  jest: { ...base.jest, config: { ...base.jest.config, testMatch: ['data-key', 'k-anonymity', 'pseudonym-order', 'compiled-executor'].map((f) => `<rootDir>/test/unit/${f}.spec.ts`) } },
  mutate: ISSUE_23,
};
