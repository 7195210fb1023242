import { userInfo } from 'node:os';
import { defaultScenario, nearest, resolveAsset } from '../assets.js';
import { findCheck } from '../checks/registry.js';
import type { LoadedScenario } from '../drill/scenario.js';
import type { Mode } from '../engine/events.js';
import type { KubeClient } from '../kube/client.js';
import type { ManualPrompt } from '../nodeaccess/manual.js';
import type { NodeAccess } from '../nodeaccess/types.js';
import { KubeError } from '../kube/errors.js';
import { loadRunbookFile } from '../runbook/load.js';
import type { LoadedRunbook } from '../runbook/load.js';
import { defaultTranscriptPath } from '../transcript/writer.js';
import { notStartedJson } from '../engine/report.js';
import { shellQuote } from '../nodeaccess/quote.js';
import type { CliArgs } from './args.js';
import { version } from './args.js';
import { UsageError } from './usageError.js';
import { printObject } from './output.js';
import { inputFlag, mainInput } from './inputs.js';

/** Everything a walk needs, whether it ends up in the TUI or headless. */
export interface WalkPlan {
  runbook: LoadedRunbook;
  inputs: Record<string, string>;
  mode: Mode;
  scenario: LoadedScenario | null;
  kube: KubeClient;
  transcriptPath: string;
  /** Drill only: the kubeconfig a trainee can point kubectl at. */
  kubeconfigPath: string | null;
  page: string;
  /** How host checks reach nodes; a function when it needs the session (manual access prompts through it). */
  nodes: NodeAccessFor;
  /** Action steps may change the cluster: `--allow-mutations` live, always in a drill (its cluster is simulated). */
  allowMutations: boolean;
  /** Who runs the walk and how: recorded in the transcript's session.start. */
  about: { version: string; user: string; nodeAccess: string; flags: Record<string, string | boolean> };
  cleanup: () => Promise<void>;
}

/** The session.start facts a postmortem needs about the run itself. */
export function aboutRun(args: CliArgs, nodeAccess: string): WalkPlan['about'] {
  let user = process.env.USER ?? '';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (a container's arbitrary uid): keep $USER.
  }
  const flags: Record<string, string | boolean> = {
    step: args.step,
    nonInteractive: args.nonInteractive,
    allowMutations: args.allowMutations,
    yes: args.yes,
  };
  if (args.context) flags.context = args.context;
  return { version, user, nodeAccess, flags };
}

export type NodeAccessFor = (prompt: ManualPrompt | undefined) => NodeAccess;

export { defaultScenario } from '../assets.js';

/**
 * Runbooks one run has loaded, by file: scenarios walked one after another (plumbline test) read, validate and
 * lint their runbook once, not once a scenario (from source that is half a walk's CPU).
 */
export type RunbookCache = Map<string, Promise<LoadedRunbook>>;

export async function loadRunbook(name: string, cache?: RunbookCache): Promise<LoadedRunbook> {
  const file = resolveAsset('runbooks', name);
  if (!cache) return loadRunbookFile(file, findCheck);
  let loading = cache.get(file);
  if (!loading) {
    loading = loadRunbookFile(file, findCheck);
    cache.set(file, loading);
  }
  return loading;
}

/** Runbook inputs from defaults, the main input's argument, `-n` and `--set`; unknown, doubly given or missing ones are usage errors. */
export function resolveInputs(
  runbook: LoadedRunbook,
  args: Pick<CliArgs, 'set' | 'namespace'> & Partial<Pick<CliArgs, 'mainInput' | 'command'>>,
  base: Record<string, string> = {},
): Record<string, string> {
  const { id, inputs: specs } = runbook.spec;
  const fail = (message: string): never => {
    throw new UsageError(message, args.command ?? 'run');
  };
  const declared = new Map(specs.map((i) => [i.name, i]));
  const inputs: Record<string, string> = {};
  for (const i of specs) if (i.default !== undefined) inputs[i.name] = i.default;
  Object.assign(inputs, base);
  if (args.namespace) {
    if (!declared.has('namespace'))
      fail(
        `runbook ${id} has no namespace input, so -n does not apply (inputs: ${[...declared.keys()].join(', ') || 'none'})`,
      );
    inputs.namespace = args.namespace;
  }
  const main = mainInput(specs);
  if (args.mainInput !== undefined) {
    if (!main) fail(`runbook ${id} takes no inputs, so "${args.mainInput}" does not apply`);
    else {
      const set = args.set[main.name];
      if (set !== undefined && set !== args.mainInput)
        fail(`${main.name} is given twice: "${args.mainInput}" and --set ${main.name}=${set}`);
      inputs[main.name] = args.mainInput;
    }
  }
  for (const [k, v] of Object.entries(args.set)) {
    if (!declared.has(k))
      fail(
        `runbook ${id} has no input "${k}" (inputs: ${[...declared.keys()].join(', ')}; plumbline run ${id} --help describes them)`,
      );
    inputs[k] = v;
  }
  const missing = specs.filter((i) => i.required && !inputs[i.name]);
  if (missing.length > 0) {
    const how = (i: (typeof missing)[number]) => {
      const flag = inputFlag(i, specs);
      return flag === 'positional'
        ? `its ${i.name} (${i.description}): plumbline run ${id} <${i.name}>`
        : flag === '-n'
          ? `-n <${i.description}>`
          : `--set ${i.name}=<${i.description}>`;
    };
    fail(`runbook ${id} needs ${missing.map(how).join(', and ')}`);
  }
  return inputs;
}

/** Fails fast (exit 3) when the cluster cannot be reached at all, before the first step. */
export async function probe(kube: KubeClient, timeoutMs = 10_000): Promise<void> {
  try {
    await kube.withSignal(AbortSignal.timeout(timeoutMs)).version();
  } catch (err) {
    if (err instanceof KubeError && (err.kind === 'forbidden' || err.kind === 'not-found')) return;
    if (err instanceof KubeError && err.kind === 'timeout' && err.status === undefined) {
      throw new KubeError(
        'timeout',
        `${err.message} within ${seconds(timeoutMs)} (--request-timeout sets how long to wait)`,
      );
    }
    throw err;
  }
}

const seconds = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`);

/**
 * A run whose first requests failed never walked, but automation reading
 * `--output json` still gets the walk's object: incomplete, and the one thing
 * that could not be seen, with the command that shows it.
 */
function printNotStarted(
  runbook: LoadedRunbook,
  args: CliArgs,
  kube: KubeClient,
  err: KubeError,
  format: 'json' | 'yaml',
): void {
  const command = shellQuote([
    'kubectl',
    ...(args.kubeconfig ? ['--kubeconfig', args.kubeconfig] : []),
    '--context',
    kube.contextName,
    'get',
    '--raw',
    '/api',
  ]);
  const unseen = {
    step: 'connect',
    title: 'Can plumbline reach the API server?',
    check: 'api.connect',
    summary: err.message,
    errorKind: err.kind,
    command,
    node: null,
  };
  const json = {
    ...notStartedJson({ runbook: runbook.spec.id, mode: 'live', scenario: null, transcript: null }, unseen),
    api: kube.apiStats,
  };
  printObject(json, format);
}

export async function planRun(args: CliArgs): Promise<WalkPlan> {
  const name = args.positionals[0];
  if (!name) throw new UsageError('run needs a runbook: plumbline run <runbook> (see plumbline list runbooks)');
  const runbook = await loadRunbook(name);
  const inputs = resolveInputs(runbook, args);
  const { loadKubeConfig } = await import('../kube/config.js');
  const { KubeClient } = await import('../kube/client.js');
  const config = await loadKubeConfig({ kubeconfig: args.kubeconfig, context: args.context });
  const kube = await KubeClient.create(config);
  try {
    await probe(kube, args.requestTimeoutMs);
    await checkNamespaces(runbook, inputs, kube.withSignal(AbortSignal.timeout(args.requestTimeoutMs)));
    await checkNodeNames(runbook, inputs, kube.withSignal(AbortSignal.timeout(args.requestTimeoutMs)));
    await checkPodName(runbook, inputs, kube.withSignal(AbortSignal.timeout(args.requestTimeoutMs)));
  } catch (err) {
    if (err instanceof KubeError && args.output !== 'text') printNotStarted(runbook, args, kube, err, args.output);
    throw err;
  }
  const nodes = await liveNodeAccess(args, kube);
  return {
    runbook,
    inputs,
    mode: 'live',
    scenario: null,
    kube,
    transcriptPath: args.transcript ?? defaultTranscriptPath(runbook.spec.id, new Date()),
    kubeconfigPath: null,
    page: renderSymptom(runbook, inputs),
    nodes,
    allowMutations: args.allowMutations,
    about: aboutRun(args, args.nodeAccess ?? 'manual'),
    cleanup: () => Promise.resolve(),
  };
}

/** `--node-access` on a live cluster (default manual): ssh finds nodes by their InternalIP, kubectl-debug skips NotReady ones. */
export async function liveNodeAccess(args: CliArgs, kube: KubeClient): Promise<NodeAccessFor> {
  const kind = args.nodeAccess ?? 'manual';
  if (kind === 'drill') throw new UsageError('--node-access drill only works in drills (plumbline drill)');
  const { createNodeAccess, addressResolver, nodeDescriber, readinessProbe } = await import('../nodeaccess/index.js');
  return (prompt) =>
    createNodeAccess(kind, {
      ...(prompt ? { prompt } : {}),
      ssh: {
        ...(args.sshUser ? { user: args.sshUser } : {}),
        options: args.sshOptions,
        resolveAddress: addressResolver(kube),
      },
      kubectlDebug: {
        ...(args.kubeconfig ? { kubeconfig: args.kubeconfig } : {}),
        ...(args.context ? { context: args.context } : {}),
        ...(args.debugImage ? { image: args.debugImage } : {}),
        isNodeReady: readinessProbe(kube),
      },
      // local refuses unless this machine is the node named (hostname, the node's addresses, the kubelet's name).
      local: { describeNode: nodeDescriber(kube) },
    });
}

/**
 * A drill on its way: the scenario, runbook and inputs (read and checked at
 * once), and its cluster starting in its own thread. What a first frame needs
 * is here before the cluster is up; `plan()` waits for it and finishes the plan.
 */
export interface StartedDrill {
  scenario: LoadedScenario;
  runbook: LoadedRunbook;
  inputs: Record<string, string>;
  kubeconfigPath: string;
  transcriptPath: string;
  plan(): Promise<WalkPlan>;
  /** Stops the cluster when the walk never gets its plan (a quit while it starts). */
  close(): Promise<void>;
}

export interface DrillWalkOptions {
  /** Start the cluster in this thread (walks one after another, headless: no screen to keep responsive). */
  sameThread?: boolean;
  /**
   * No screen to keep responsive: a small cluster starts in this thread (a worker's own start-up was half the
   * CPU of a small headless drill); a heavy one keeps its worker, so building and serving it runs beside the walk.
   */
  headless?: boolean;
  /** Runbooks already loaded in this run. */
  runbooks?: RunbookCache;
}

export async function startDrillWalk(args: CliArgs, opts: DrillWalkOptions = {}): Promise<StartedDrill> {
  const { loadScenarioFile } = await import('../drill/scenario.js');
  const { isHeavy, startDrillThread } = await import('../drill/thread.js');
  const loaded = await loadScenarioFile(resolveAsset('scenarios', args.positionals[0] ?? defaultScenario));
  const runbook = await loadRunbook(loaded.scenario.runbook, opts.runbooks);
  const inputs = resolveInputs(runbook, args, loaded.scenario.inputs);
  const kind = args.nodeAccess ?? 'drill';
  // In a drill the only hosts there are are the scenario's; manual lets a trainee paste what they would run.
  if (kind !== 'drill' && kind !== 'manual')
    throw new UsageError(`--node-access ${kind} cannot reach a drill's simulated hosts; use drill or manual`);
  const drill = startDrillThread(loaded.scenario, {
    sameThread: opts.sameThread ?? (opts.headless === true && !isHeavy(loaded.scenario)),
  });
  const transcriptPath = args.transcript ?? defaultTranscriptPath(runbook.spec.id, new Date());
  const plan = async (): Promise<WalkPlan> => {
    try {
      const { loadKubeConfig } = await import('../kube/config.js');
      const { KubeClient } = await import('../kube/client.js');
      const { createNodeAccess } = await import('../nodeaccess/index.js');
      const { hosts } = await drill.ready;
      const config = await loadKubeConfig({ kubeconfig: drill.kubeconfigPath });
      const kube = await KubeClient.create(config);
      // A drill whose API server presents a certificate that does not verify (a scenario's expired serving
      // certificate) fails fast, as a live run does, instead of a walk whose every check errors. A drill API that
      // resets or hangs is a scenario's fault for the walk to find its way around (host checks), so it walks on.
      await probe(kube).catch((err: unknown) => {
        if (err instanceof KubeError && err.kind === 'unreachable' && err.message.startsWith('certificate problem'))
          throw err;
      });
      await checkNamespaces(runbook, inputs, kube);
      // A scenario's own node is its page (an alert may name a node the autoscaler replaced: nn-node-gone);
      // only a node the trainee typed can be a typo.
      await checkNodeNames(runbook, inputs, kube, new Set(Object.keys(args.set)));
      await checkPodName(runbook, inputs, kube);
      return {
        runbook,
        inputs,
        mode: 'drill',
        scenario: loaded,
        kube,
        transcriptPath,
        kubeconfigPath: drill.kubeconfigPath,
        page: loaded.scenario.page,
        nodes: (prompt) => createNodeAccess(kind, { hosts, ...(prompt ? { prompt } : {}) }),
        allowMutations: true,
        about: aboutRun(args, kind),
        cleanup: () => drill.close(),
      };
    } catch (err) {
      await drill.close();
      throw err;
    }
  };
  return {
    scenario: loaded,
    runbook,
    inputs,
    kubeconfigPath: drill.kubeconfigPath,
    transcriptPath,
    plan,
    close: () => drill.close(),
  };
}

export async function planDrill(args: CliArgs, opts: DrillWalkOptions = {}): Promise<WalkPlan> {
  return (await startDrillWalk(args, opts)).plan();
}

function renderSymptom(runbook: LoadedRunbook, inputs: Record<string, string>): string {
  return runbook.spec.symptom.replace(/\{\{\s*inputs\.(\w+)\s*\}\}/g, (_m, k: string) => inputs[k] ?? `<${k}>`);
}

/**
 * A namespace given on the command line that does not exist is a typo, not an
 * incident: say so before any step runs (exit 2), with the names it is close
 * to. A namespace the credentials may not read is left to the walk.
 */
export async function checkNamespaces(
  runbook: LoadedRunbook,
  inputs: Record<string, string>,
  kube: KubeClient,
): Promise<void> {
  for (const input of runbook.spec.inputs.filter((i) => i.pick === 'namespace')) {
    const ns = inputs[input.name];
    if (!ns) continue;
    const one = await kube.getRaw(`/api/v1/namespaces/${encodeURIComponent(ns)}`);
    if (one.status !== 404) continue;
    const all = await kube.getRaw('/api/v1/namespaces');
    let names: string[] = [];
    if (all.status === 200) {
      try {
        names = ((JSON.parse(all.body) as { items?: { metadata?: { name?: string } }[] }).items ?? [])
          .map((i) => i.metadata?.name ?? '')
          .filter((n) => n !== '');
      } catch {
        names = [];
      }
    }
    const close = nearest(ns, names);
    const hint =
      close.length > 0
        ? `did you mean ${close.join(', ')}?`
        : names.length > 0
          ? `namespaces: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}`
          : 'kubectl get namespaces lists them';
    throw new UsageError(`namespace "${ns}" does not exist in context ${kube.contextName}: ${hint}`, null);
  }
}

/** The names in a List answer (namespaces, nodes, pods); none when it is not one. */
function namesOf(body: string): string[] {
  try {
    return ((JSON.parse(body) as { items?: { metadata?: { name?: string } }[] }).items ?? [])
      .map((i) => i.metadata?.name ?? '')
      .filter((n) => n !== '');
  } catch {
    return [];
  }
}

/**
 * A node named on the command line that does not exist while nodes with near
 * names do is a typo: say so before any step runs (exit 2), with those names
 * (among the first 500: a page, whatever the cluster's size). With no near
 * name it may be a node that was removed or never registered, which is what
 * the runbook's first step finds out and follows to the host, as for a pod. A
 * node the credentials may not read, or an API that fails to answer, is left
 * to the walk. `typed`: look up only these inputs (a drill's own are its page).
 */
export async function checkNodeNames(
  runbook: LoadedRunbook,
  inputs: Record<string, string>,
  kube: KubeClient,
  typed?: ReadonlySet<string>,
): Promise<void> {
  for (const input of runbook.spec.inputs.filter((i) => i.pick === 'node' && (!typed || typed.has(i.name)))) {
    const node = inputs[input.name];
    if (!node) continue;
    const one = await kube.getRaw(`/api/v1/nodes/${encodeURIComponent(node)}`).catch(() => undefined);
    if (one?.status !== 404) continue;
    const all = await kube.getRaw('/api/v1/nodes?limit=500').catch(() => ({ status: 0, body: '' }));
    const names = all.status === 200 ? namesOf(all.body) : [];
    const close = nearest(node, names);
    if (close.length === 0) continue;
    throw new UsageError(
      `node "${node}" does not exist in context ${kube.contextName}: did you mean ${close.join(', ')}?`,
      null,
    );
  }
}

/**
 * A pod name that does not exist while pods with near names do is a typo or a
 * stale name (a rollout replaced it), not an incident: say so before any step
 * runs (exit 2), with those names, instead of sweeping the whole cluster. A
 * missing pod with no near name goes on to the walk: its controller may never
 * have created it (the walk asks). Left to the walk too: a run that names the
 * Deployment expected to create it, and runbooks that also take a node (their
 * own steps follow a stale pod name to its replacement on that node).
 */
export async function checkPodName(
  runbook: LoadedRunbook,
  inputs: Record<string, string>,
  kube: KubeClient,
): Promise<void> {
  if (runbook.spec.inputs.some((i) => i.pick === 'node')) return;
  if (inputs.deployment) return;
  const nsInput = runbook.spec.inputs.find((i) => i.pick === 'namespace');
  const ns = nsInput ? inputs[nsInput.name] : undefined;
  if (!ns) return;
  for (const input of runbook.spec.inputs.filter((i) => i.pick === 'pod')) {
    const pod = inputs[input.name];
    if (!pod) continue;
    const one = await kube.getRaw(`/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(pod)}`);
    if (one.status !== 404) continue;
    const all = await kube.getRaw(`/api/v1/namespaces/${encodeURIComponent(ns)}/pods`);
    if (all.status !== 200) continue;
    let names: string[];
    try {
      names = ((JSON.parse(all.body) as { items?: { metadata?: { name?: string } }[] }).items ?? [])
        .map((i) => i.metadata?.name ?? '')
        .filter((n) => n !== '');
    } catch {
      continue;
    }
    const close = nearest(pod, names);
    if (close.length === 0) continue;
    const controller = runbook.spec.inputs.some((i) => i.name === 'deployment')
      ? '; if a controller should create it, name it with --set deployment=<name>'
      : '';
    throw new UsageError(
      `pod "${pod}" does not exist in namespace ${ns} (context ${kube.contextName}): did you mean ${close.join(', ')}? (kubectl get pods -n ${ns} lists them${controller})`,
      null,
    );
  }
}
