/**
 * A TUI's modules, loaded a few at a time with a turn of the event loop
 * between. Node evaluates everything one import() reaches in a single task:
 * the walk's whole graph (the kube client, undici, zod, the checks, ink and
 * React) at once held keys, the spinner and redraws for 100-300 ms. Imported
 * in this order, each step evaluates only what the ones before it left, and
 * each is a chunk of its own in the bundle (esbuild splits at every import()).
 */

import { nextTask } from './nextTask.js';

type Load = () => Promise<unknown>;

/** Imports each in a task of its own, the first too; a failed import is left to the import that needs it to report. */
export async function loadInTurns(loads: readonly Load[]): Promise<void> {
  for (const load of loads) {
    await nextTask();
    await load().catch(() => undefined);
  }
}

/** What reading a runbook and planning a walk need (cli/walk.ts), dependencies first. */
export const planModules: readonly Load[] = [
  // zod's core (its schema classes), then the API over it: each ~half of zod's evaluation.
  () => import('zod/v4/core'),
  () => import('zod'),
  () => import('yaml'),
  () => import('@marcbachmann/cel-js'),
  () => import('../runbook/schema.js'),
  () => import('../runbook/load.js'),
  () => import('../checks/cluster/index.js'),
  () => import('../checks/service/index.js'),
  () => import('../checks/host/more.js'),
  () => import('../checks/registry.js'),
  // The bundled runbooks and scenarios, validated at build time: 1.6 MB of JSON, parsed in a task of its own.
  () => import('../precompiled.js').then((m) => m.readPrecompiled()),
  () => import('./walk.js'),
  // A drill's scenario and the thread its cluster runs in. A scenario's schema names every fault, and the faults
  // build their own schemas as they load: in four tasks, not in the schema's one.
  () => import('../drill/faults/pod/index.js'),
  () => import('../drill/faults/host/index.js'),
  () => import('../drill/faults/cluster/index.js'),
  () => import('../drill/faults/service/index.js'),
  () => import('../drill/scenarioSchema.js'),
  () => import('../drill/scenario.js'),
  () => import('../drill/thread.js'),
];

/**
 * string-width (ink measures every line with it) builds an Intl.Segmenter and
 * its per-grapheme regular expressions as it loads: the first costs ICU's data.
 * Built here first, each in a task of its own; V8 keeps a parsed RegExp by its
 * source and flags, so string-width's own are then cheap. Its emoji expression
 * (~50 ms) is built only for a grapheme that could be an emoji (scripts/stringWidthGate.mjs).
 */
const textMeasures: readonly Load[] = [
  () => Promise.resolve([...new Intl.Segmenter().segment('✓ ·')]),
  () =>
    Promise.resolve(
      [
        new RegExp(
          '[^\\p{Default_Ignorable_Code_Point}\\p{Control}\\p{Format}\\p{Nonspacing_Mark}\\p{Enclosing_Mark}\\p{Surrogate}]',
          'v',
        ),
        new RegExp('\\p{Spacing_Mark}', 'v'),
        new RegExp('\\p{Extended_Pictographic}', 'gu'),
        new RegExp('[\\p{Emoji}--\\p{ASCII}]|\\u20E3', 'v'),
      ].map((r) => r.test('✓')),
    ),
];

/**
 * The first frame itself drawn to a string (Ink's own hooks, keys and timers, do nothing there): React's
 * reconciler, yoga, ink's output and the frame's components run (and compile) here, not in its task.
 */
function warmFrame(): Promise<unknown> {
  return Promise.all([import('react'), import('ink'), import('../ui/Starting.js')]).then(
    ([{ createElement }, { renderToString }, { Starting }]) =>
      renderToString(
        createElement(Starting, {
          header: {
            runbookTitle: 'A pod will not start or keeps restarting',
            target: 'pod web-0',
            mode: 'drill',
            auto: true,
          },
          waitingFor: 'starting the drill cluster',
          startedAt: new Date(),
          color: true,
          onQuit: () => undefined,
        }),
        { columns: 80 },
      ),
  );
}

/** The first frame's: React, yoga's WebAssembly, string-width, ink. */
export const frameModules: readonly Load[] = [
  () => import('react'),
  () => import('yoga-layout'),
  ...textMeasures,
  () => import('string-width'),
  () => import('ink'),
  // Ink's first render routes console output above its frame through a new Console, and reads keys through a
  // StringDecoder: Node builds each's internals the first time one is made (~15-30 ms, ~5 ms), here instead
  // of in the first frame's task.
  () =>
    Promise.all([import('node:stream'), import('node:string_decoder')]).then(([{ PassThrough }, { StringDecoder }]) => [
      new console.Console(new PassThrough(), new PassThrough()),
      new StringDecoder('utf8'),
    ]),
  warmFrame,
  () => import('./firstFrame.js'),
];

/** What the walk needs once its cluster answers: the kube client, then the screen (client-node's undici is evaluated only if used: scripts/build.mjs). */
export const walkModules: readonly Load[] = [
  // Node's own modules undici requires, compiled on first use.
  () => Promise.all([import('node:zlib'), import('node:stream/web'), import('node:dns'), import('node:tls')]),
  () => Promise.all([import('node:assert'), import('node:worker_threads'), import('node:perf_hooks')]),
  // The generated models (never the package index or gen/index.js: either would bundle and load the API classes).
  () => import('@kubernetes/client-node/dist/gen/models/ObjectSerializer.js'),
  () => import('@kubernetes/client-node/dist/config.js'),
  () => import('../kube/config.js'),
  () => import('../kube/client.js'),
  () => import('../nodeaccess/index.js'),
  () => import('./headless.js'),
  () => import('../ui/App.js'),
  () => import('./interactive.js'),
];
