// Five projects: unit (no services), integration (real MySQL + Redis, one database and
// one BullMQ prefix per file), e2e (the built server on a free port, real HTTP), and
// reliability (faults, races; slow, so outside `npm test`: `npm run test:reliability`,
// which .ci/run also runs at the small default size; RELIABILITY_SCALE makes it bigger).
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(__dirname + '/.swcrc', 'utf8'));
// jose, openid-client and oidc-provider ship only as ES modules. Node 20.19+ requires them as
// they are; jest's module system cannot, so swc turns them (and their ESM dependencies) into
// CommonJS for the tests alone.
const ESM_PACKAGES = ['jose', 'openid-client', 'oauth4webapi', 'oidc-provider', 'nanoid', 'quick-lru', 'eta'];
const transform = {
  '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }],
  '^.+\\.m?js$': ['@swc/jest', { swcrc: false, jsc: { target: 'es2022', parser: { syntax: 'ecmascript' } }, module: { type: 'commonjs' } }],
};
const common = {
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata'],
};
module.exports = {
  // Integration and e2e tests talk to real services; a slow CI machine needs headroom.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    { ...common, displayName: 'reliability', testMatch: ['<rootDir>/test/reliability/**/*.rel-spec.ts'] },
    // The console in a real browser: Debian's Chromium driven by playwright-core (no downloaded browser).
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'] },
  ],
};
