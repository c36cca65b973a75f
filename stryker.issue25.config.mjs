// Issue 25's rule modules alone, against their own unit files: `npx stryker run stryker.issue25.config.mjs`.
import base, { ISSUE_25 } from './stryker.config.mjs';

export default {
  ...base,
  jest: { ...base.jest, config: { ...base.jest.config, testMatch: ['topology-rules', 'mysql-portability'].map((f) => `<rootDir>/test/unit/${f}.spec.ts`) } },
  mutate: ISSUE_25,
};
