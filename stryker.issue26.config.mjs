// Issue 26's rule modules so far, against their own unit files: `npx stryker run stryker.issue26.config.mjs`.
import base, { ISSUE_26 } from './stryker.config.mjs';

// Inherited by the test runner processes: the property tests run a fifth of their tables per mutant.
process.env.DRG_MUTATION_RUN = '1';

export default {
  ...base,
  jest: { ...base.jest, config: { ...base.jest.config, testMatch: ['usage-report-k', 'cell-suppression', 'manifest-signature', 'discrete-laplace', 'report-windows-rules', 'due-diligence-release', 'due-diligence-scope-rules'].map((f) => `<rootDir>/test/unit/${f}.spec.ts`) } },
  mutate: ISSUE_26,
};
