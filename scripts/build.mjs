// Bundles the CLI and its dependencies into dist/: one small entry chunk, with
// ink, react and @kubernetes/client-node reached only through dynamic import(),
// so --help and --version never load them. Bundling the dependencies too spares
// Node resolving hundreds of files at start (measured: a drill walk 0.9 s → 0.6 s).
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // Optional native helpers of ws and the React devtools hook: loaded only if installed.
  external: ['bufferutil', 'utf-8-validate', 'react-devtools-core'],
  jsx: 'automatic',
  sourcemap: 'linked',
  // CommonJS dependencies call require(); an ES module has none, so give each chunk one.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __plumblineRequire } from 'node:module';\nconst require = __plumblineRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
// The bin npx, npm link and a global install run directly.
chmodSync('dist/cli.js', 0o755);
