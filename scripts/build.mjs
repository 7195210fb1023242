// Bundles the CLI and its dependencies into dist/: one small entry chunk, with
// ink, react and @kubernetes/client-node reached only through dynamic import(),
// so --help and --version never load them. Bundling the dependencies too spares
// Node resolving hundreds of files at start (measured: a drill walk 0.9 s → 0.6 s).
//
// A CLI started during a build must still run: the build goes to a staging
// directory beside dist/, its chunks (named by content hash, so they never
// collide with the running build's) are moved in first, and the entry point
// last, each with rename(2), which is atomic. dist/cli.js therefore only ever
// names chunks that are there. The previous build's chunks are kept one build
// longer, for a CLI that started on them and has not imported them all yet.
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gateRgiEmoji } from './stringWidthGate.mjs';

const dist = 'dist';

// yoga-layout (ink's layout engine) fetch()es its own WebAssembly from a data: URL, and the first fetch() loads
// Node's own copy of undici: ~50 ms in one block of the event loop before the first frame. Its loader's other
// path decodes the same base64 in place; a yoga whose loader reads differently is bundled as it is.
const yogaFetch = 'function ya(){return w||"function"!=typeof fetch?';
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-wasm-base64-esm\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(yogaFetch)) {
        console.warn(`build: ${args.path} no longer reads "${yogaFetch}": yoga loads through fetch()`);
        return undefined;
      }
      return { contents: text.replace(yogaFetch, 'function ya(){return true?'), loader: 'js' };
    });
  },
};

// Ink builds each frame from scratch, and a new Output per frame starts with empty caches: every line of the
// walk's screen is tokenized and measured again (string-width: a Segmenter and an emoji RegExp per character
// outside ASCII) at each spinner tick, 20-60 ms a frame. The caches map a text to what it always comes to, so
// frames share one, started afresh once it holds 1,000 texts. An Ink whose output.js reads differently is
// bundled as it is.
const inkCaches = 'caches = new OutputCaches();';
const inkSharedCaches = {
  name: 'ink-shared-caches',
  setup(b) {
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]output\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(inkCaches)) {
        console.warn(`build: ${args.path} no longer reads "${inkCaches}": each frame starts with empty caches`);
        return undefined;
      }
      const shared =
        '\nlet sharedCaches;\nfunction frameCaches() {\n  if (!sharedCaches || sharedCaches.styledChars.size > 1000) sharedCaches = new OutputCaches();\n  return sharedCaches;\n}\n';
      return { contents: text.replace(inkCaches, 'caches = frameCaches();') + shared, loader: 'js' };
    });
  },
};

// An ES module's `import ... from 'node:http'` makes Node read every export of node:http, and on Node 24 its
// WebSocket, CloseEvent and MessageEvent getters then load Node's own copy of undici: ~60 ms in one block of
// the event loop, and its memory, for classes plumbline never uses. Through require() they are never read.
const requireNodeHttp = {
  name: 'require-node-http',
  setup(b) {
    b.onResolve({ filter: /^(node:)?http$/ }, (args) =>
      args.namespace === 'require-node-http'
        ? { path: 'node:http', external: true }
        : { path: 'node:http', namespace: 'require-node-http' },
    );
    b.onLoad({ filter: /.*/, namespace: 'require-node-http' }, () => ({
      contents: 'module.exports = require("node:http");',
      loader: 'js',
    }));
  },
};
// @kubernetes/client-node imports undici (its fetch, Agent and ProxyAgent) for paths plumbline never takes: the kube
// client sends through node:https (src/kube/client.ts). Evaluating undici's 220 modules was 25-50 ms in one task of
// the TUI; client-node gets them through getters instead, and undici is evaluated on first use, if ever. A
// client-node that imports another name from undici fails the build, rather than finding it undefined at run time.
const undiciNames = ['Agent', 'ProxyAgent', 'fetch'];
const undiciOnFirstUse = {
  name: 'undici-on-first-use',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) =>
      /[\\/]@kubernetes[\\/]client-node[\\/]/.test(args.importer)
        ? { path: 'undici', namespace: 'undici-on-first-use' }
        : undefined,
    );
    b.onLoad({ filter: /[\\/]@kubernetes[\\/]client-node[\\/].*\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'undici'/g)) {
        const names = m[1]
          .split(',')
          .map((n) => n.trim().split(/\s+as\s+/)[0])
          .filter(Boolean);
        const other = names.filter((n) => !n.startsWith('type ') && !undiciNames.includes(n));
        if (other.length > 0) throw new Error(`build: ${args.path} imports ${other.join(', ')} from undici`);
      }
      return undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'undici-on-first-use' }, () => ({
      contents: `let undici;\nconst real = () => (undici ??= require('undici'));\nmodule.exports = { ${undiciNames
        .map((n) => `get ${n}() { return real().${n}; }`)
        .join(', ')} };\n`,
      loader: 'js',
      resolveDir: process.cwd(),
    }));
  },
};
// string-width tests each grapheme of a non-ASCII line against an RGI emoji expression that takes ~50 ms to
// build, in two blocks of the event loop: gated, it is built only for a grapheme that could be an emoji
// (scripts/stringWidthGate.mjs). A string-width that reads differently is bundled as it is.
const stringWidthGate = {
  name: 'string-width-gate',
  setup(b) {
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (args) => {
      const contents = gateRgiEmoji(readFileSync(args.path, 'utf8'));
      if (contents === undefined) {
        console.warn(
          `build: ${args.path} no longer reads as scripts/stringWidthGate.mjs expects: its emoji expression is built at load`,
        );
        return undefined;
      }
      return { contents, loader: 'js' };
    });
  },
};
const stage = join(dist, `.build-${process.pid}`);
const manifest = join(dist, '.chunks.json');

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
try {
  await build({
    // The drill cluster's worker thread (src/drill/thread.ts) is an entry of its own, sharing the chunks.
    entryPoints: { cli: 'src/cli/index.ts', 'drill-worker': 'src/drill/worker.ts' },
    outdir: stage,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    // Optional native helpers of ws and the React devtools hook: loaded only if installed.
    external: ['bufferutil', 'utf-8-validate', 'react-devtools-core'],
    jsx: 'automatic',
    // React (and ink) pick their production build by process.env.NODE_ENV; left unset, a user
    // runs React's development build: slower renders and its checks on every frame.
    // PLUMBLINE_BUNDLED: only the bundle reads dist/precompiled.json (src/precompiled.ts).
    define: { 'process.env.NODE_ENV': '"production"', PLUMBLINE_BUNDLED: 'true' },
    sourcemap: 'linked',
    // CommonJS dependencies call require(); an ES module has none, so give each chunk one.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __plumblineRequire } from 'node:module';\nconst require = __plumblineRequire(import.meta.url);",
    },
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [requireNodeHttp, yogaWithoutFetch, inkSharedCaches, undiciOnFirstUse, stringWidthGate],
    logLevel: 'warning',
  });
  // The bin npx, npm link and a global install run directly.
  chmodSync(join(stage, 'cli.js'), 0o755);

  // The bundled runbooks and scenarios, validated now so a start need not (src/precompiled.ts).
  // Built apart from the CLI bundle, without PLUMBLINE_BUNDLED, so it never reads an older index.
  await build({
    entryPoints: ['src/precompiledWrite.ts'],
    outfile: join(stage, 'precompile.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    external: ['bufferutil', 'utf-8-validate', 'react-devtools-core'],
    banner: {
      js: "import { createRequire as __plumblineRequire } from 'node:module';\nconst require = __plumblineRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  const precompiled = spawnSync(process.execPath, [join(stage, 'precompile.mjs'), join(stage, 'precompiled.json')], {
    stdio: 'inherit',
  });
  if (precompiled.status !== 0)
    throw new Error(`precompiling the bundled runbooks and scenarios failed (exit ${precompiled.status})`);

  mkdirSync(join(dist, 'chunks'), { recursive: true });
  const fresh = readdirSync(join(stage, 'chunks'));
  for (const f of fresh) renameSync(join(stage, 'chunks', f), join(dist, 'chunks', f));
  renameSync(join(stage, 'precompiled.json'), join(dist, 'precompiled.json'));
  renameSync(join(stage, 'frames.json'), join(dist, 'frames.json'));
  renameSync(join(stage, 'drill-worker.js.map'), join(dist, 'drill-worker.js.map'));
  renameSync(join(stage, 'drill-worker.js'), join(dist, 'drill-worker.js'));
  renameSync(join(stage, 'cli.js.map'), join(dist, 'cli.js.map'));
  renameSync(join(stage, 'cli.js'), join(dist, 'cli.js'));

  // Chunks of neither this build nor the one before it are gone.
  const previous = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')) : [];
  const keep = new Set([...fresh, ...(Array.isArray(previous) ? previous : [])]);
  for (const f of readdirSync(join(dist, 'chunks'))) if (!keep.has(f)) rmSync(join(dist, 'chunks', f), { force: true });
  writeFileSync(`${manifest}.tmp`, JSON.stringify(fresh));
  renameSync(`${manifest}.tmp`, manifest);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
