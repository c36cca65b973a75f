// The layering of src/, checked in CI (`npm run layers`): arrows point down, never up, and never
// in a circle. docs: README "Layout". Each rule names the folder it protects and why.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes load order matter and hides which part depends on which.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'entities-are-the-floor',
      severity: 'error',
      comment: 'Entities describe tables; they import other entities and enums, nothing above them.',
      from: { path: '^src/entities/' },
      to: { path: '^src/', pathNot: ['^src/entities/'] },
    },
    {
      name: 'domain-imports-no-face',
      severity: 'error',
      comment: 'Rules live in the domain and reach jobs, plugins and the outside only through ports it defines itself.',
      from: { path: '^src/domain/' },
      to: { path: '^src/(schema|jobs|http|plugins|ops|server|gateway|cli|demo-data)' },
    },
    {
      name: 'adapters-open-no-transaction',
      severity: 'error',
      comment: 'Resolvers, HTTP routes and the CLI call use cases (src/domain/use-cases.ts, ctx.run), which own their transaction and their jobs.',
      from: { path: '^src/(schema|http)/|^src/(cli|server)\\.ts$|^src/plugins/[^/]+/.*\\.resolver\\.ts$|^src/plugins/[^/]+/transfer-cli\\.ts$' },
      to: { path: '^src/domain/transaction\\.ts$' },
    },
    {
      name: 'ops-is-a-leaf',
      severity: 'error',
      comment: 'Logging and metrics are used by every layer, so they may use none (config aside).',
      from: { path: '^src/ops/' },
      to: { path: '^src/', pathNot: ['^src/ops/', '^src/config\\.ts$'] },
    },
    {
      name: 'no-plugin-imports-another',
      severity: 'error',
      comment: 'Plugins meet through the contract (hooks, provided services), never by import.',
      from: { path: '^src/plugins/([^/]+)/' },
      to: { path: '^src/plugins/([^/]+)/', pathNot: '^src/plugins/$1/' },
    },
    {
      name: 'only-the-composition-module-imports-plugin-folders',
      severity: 'error',
      comment: 'The core knows plugins through src/plugins/plugin.ts and the registry; src/plugins/built-in.ts is the one list of built-in plugins.',
      from: { path: '^src/', pathNot: ['^src/plugins/built-in\\.ts$', '^src/plugins/[^/]+/'] },
      to: { path: '^src/plugins/[^/]+/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
