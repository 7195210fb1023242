// Bundles the CLI into dist/: one small entry chunk, with ink, react and
// @kubernetes/client-node reached only through dynamic import(), so --help
// and --version never load them. Dependencies stay in node_modules.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  packages: 'external',
  jsx: 'automatic',
  sourcemap: 'linked',
  banner: { js: '#!/usr/bin/env node' },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
