// Four projects: unit (no services), integration (real MySQL + Redis, one database and
// one BullMQ prefix per file), e2e (the built server on a free port, real HTTP), and
// reliability (faults, races; slow, so outside `npm test`: `npm run test:reliability`,
// which .ci/run also runs at the small default size; RELIABILITY_SCALE makes it bigger).
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(__dirname + '/.swcrc', 'utf8'));
const transform = { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] };
const common = { transform, testEnvironment: 'node', setupFiles: ['reflect-metadata'] };
module.exports = {
  // Integration and e2e tests talk to real services; a slow CI machine needs headroom.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    { ...common, displayName: 'reliability', testMatch: ['<rootDir>/test/reliability/**/*.rel-spec.ts'] },
  ],
};
