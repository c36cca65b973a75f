// Mutation testing of the rule modules (issue 18: the query-shape guard, the mutation counter,
// token checks, the JSON depth walk (the dashboard's ?token= redirect is gone with issue 24); issue 19: the job-id rule and the
// core jobs' intents, the vetoes' sum, the catalogue's derivations; issue 20: the type-access rule). `npm run mutate`; unit tests only,
// so it needs no services. The score is quoted in the issue's closing note, never gated in CI.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const jestConfig = require('./jest.config.js');
const unit = jestConfig.projects.find((p) => p.displayName === 'unit');

// Issue 19's rule modules; to run only these: npx stryker run --mutate with this list, comma-separated.
export const ISSUE_19 = [
  'src/domain/job-intents.ts:28-32',
  'src/domain/data-request.service.ts:21-23',
  'src/domain/california-notice.service.ts:162-169',
  'src/domain/policy.service.ts:33-35',
  'src/domain/erasure.service.ts:38-49',
  'src/domain/personal-data.catalogue.ts:561-659',
];

// Issue 20's rule modules: who sees which type, and the fields a purpose may not use.
export const ISSUE_20 = [
  'src/domain/type-access.policy.ts:70-95',
  'src/domain/read-purpose.service.ts:22-35',
];

// Issue 21's rule modules so far: calendar-day deadlines in California, the outbox's error scrubbing,
// the statute's categories and year, age bands, envelopes and letters, the erasure confirmation, recipient addresses.
export const ISSUE_21 = [
  'src/domain/deadlines.ts',
  'src/domain/outbox.service.ts:68-73',
  'src/domain/shine-the-light.ts',
  'src/plugins/anonymization/strategies.ts:237-261',
  'src/domain/postal-letter.ts',
  'src/domain/erasure-notice.ts',
  'src/domain/recipient.service.ts:39-41',
  'src/domain/integrity.ts',
  'src/domain/erasure-scope.ts',
];

// Issue 22's rule modules: verification levels, sealed files, the package's CSV/JSON writing, keyset pages, the letter, correction notices.
export const ISSUE_22 = [
  'src/domain/verification.rules.ts',
  'src/domain/sealed-file.ts',
  'src/domain/access-package.files.ts',
  'src/domain/access-letter.ts',
  'src/domain/access-package.assembly.ts:78-88',
  'src/domain/correction-notice.ts',
];

// Issue 23: the sealed export data key, the k-anonymity decision from counted groups, the
// due-diligence merge order, and which operations the compiled executor takes.
export const ISSUE_23 = [
  'src/plugins/business-transfer/data-key.ts',
  'src/plugins/anonymization/k-anonymity.ts:48-210',
  'src/plugins/business-transfer/pseudonym-order.ts',
  'src/schema/compiled-executor.ts',
];

// Issue 24: how an identity provider's groups become roles, which claim is read, and the audit id;
// which verifier a token goes to; session cookies, the same-origin rule and the sealed login state.
export const ISSUE_24 = [
  'src/schema/identity-provider.rules.ts',
  'src/schema/auth.ts:110-129',
  'src/http/console-session.ts:135-141',
  'src/http/console-session.ts:166-196',
  'src/http/console-session.ts:246-264',
  'src/schema/pagination.ts:61-98',
  'src/jobs/worker-host.ts:135-139',
];

// Issue 25: server lists, the cluster hash tag, when a replica serves, what counts as a server going
// away, the GTID waits; and the MySQL 8 portability check the integration test applies.
export const ISSUE_25 = [
  'src/ops/topology.rules.ts',
  'test/helpers/mysql-portability.ts',
];

// Issue 26 so far: the configured k is a floor for usage reports, reports cover whole calendar months, manifests are signed.
export const ISSUE_26 = [
  'src/plugins/anonymization/usage-report.service.ts:52-63',
  'src/plugins/anonymization/usage-report.service.ts:90-102',
  'src/plugins/anonymization/usage-report.service.ts:128-131',
  'src/plugins/anonymization/usage-report.service.ts:162-175',
  'src/plugins/anonymization/usage-report.service.ts:192-233',
  'src/plugins/anonymization/cell-suppression.ts',
  'src/plugins/anonymization/linear-solver.ts',
  'src/plugins/anonymization/discrete-laplace.ts',
  'src/plugins/anonymization/report-windows.rules.ts',
  'src/plugins/business-transfer/due-diligence-release.ts',
  'src/plugins/business-transfer/due-diligence-scope.rules.ts',
  'src/plugins/business-transfer/manifest-signature.ts',
];

export default {
  packageManager: 'npm',
  testRunner: 'jest',
  // Only the unit files that exercise these modules: each mutant reruns them, and the rest of the
  // unit project (schema builds, property tests) would multiply the run time for no extra kill.
  jest: {
    projectType: 'custom',
    config: {
      ...unit,
      testMatch: ['query-limits', 'schema-rules', 'rate-limit', 'hardening-rules', 'domain-rules', 'read-purpose-rules', 'job-intents', 'erasure-veto', 'personal-data-catalogue', 'type-access-policy', 'deadlines', 'outbox-rules', 'shine-the-light', 'anonymization-strategies', 'postal-letter', 'erasure-notice', 'integrity', 'erasure-scope', 'access-rules', 'data-key', 'k-anonymity', 'pseudonym-order', 'compiled-executor', 'identity-provider-rules', 'console-session-rules', 'page-info-and-logs', 'topology-rules', 'mysql-portability', 'usage-report-k', 'manifest-signature'].map((f) => `<rootDir>/test/unit/${f}.spec.ts`),
      testTimeout: 60000,
    },
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  mutate: ['src/schema/guards.ts', 'src/schema/rate-limit.ts:116-138', 'src/schema/auth.ts:51-85', 'src/schema/input-hygiene.ts:23-38', 'src/schema/input-hygiene.ts:70-79',
    ...ISSUE_19, ...ISSUE_20, ...ISSUE_21, ...ISSUE_22, ...ISSUE_23, ...ISSUE_24, ...ISSUE_25, ...ISSUE_26],
  reporters: ['clear-text', 'progress'],
  concurrency: 2,
  ignoreStatic: true,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
