// The console's build (`npm run build`): React, bundled by Vite into dist/console, served by the
// gateway at /console. Vite's own JSX transform; no plugin is needed for a production build.
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default {
  root: here,
  base: '/console/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)), emptyOutDir: true, sourcemap: false, target: 'es2022' },
};
