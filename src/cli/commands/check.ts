import { checks, findCheck } from '../../checks/registry.js';
import { checkParamsFrom } from '../checkParams.js';
import { runCheck } from '../../engine/runCheck.js';
import { noNodeAccess } from '../../nodeaccess/none.js';
import type { CliArgs } from '../args.js';
import { linePrompt } from '../linePrompt.js';
import { printObject } from '../output.js';
import { liveNodeAccess } from '../walk.js';
import { UsageError } from '../usageError.js';
import { onEndSignal } from '../guard.js';
import { nearest, resolveAsset } from '../../assets.js';
import type { DrillCluster, StartingDrill } from '../../drill/thread.js';
import type { KubeClient } from '../../kube/client.js';
import type { HostLookup } from '../../nodeaccess/drill.js';
import type { NodeAccess } from '../../nodeaccess/types.js';
import { loadExtraPatterns, redactEvent, redactText } from '../../base/redact.js';

/** `plumbline check pod.status --set namespace=shop --set name=web-0`: one check on the current context. */
export async function checkCommand(args: CliArgs): Promise<number> {
  const id = args.positionals[0];
  const check = id ? findCheck(id) : undefined;
  if (!id || !check) throw unknownCheck(id);
  // Host checks with a command run on a node; network.tcp-connect runs from here.
  const host = check.layer === 'host' && 'argv' in check;
  if (host && !args.node && !args.set.node) throw new UsageError(`${id} runs on a node: pass --node <name>`, 'check');
  const params = checkParamsFrom(check, args);
  const { loadKubeConfig } = await import('../../kube/config.js');
  const { KubeClient } = await import('../../kube/client.js');
  // Ctrl-C, SIGTERM or SIGHUP cancel the check; its drill closes and its temp dir goes, as in a walk.
  const interrupt = new AbortController();
  const unsignal = onEndSignal(() => interrupt.abort());
  const drill = args.drillScenario ? await startScenario(args.drillScenario) : undefined;
  try {
    const cluster: DrillCluster | undefined = await drill?.ready;
    const config = await loadKubeConfig(
      drill ? { kubeconfig: drill.kubeconfigPath } : { kubeconfig: args.kubeconfig, context: args.context },
    );
    const kube = await KubeClient.create(config);
    const nodes = !host
      ? noNodeAccess
      : cluster
        ? await drillNodes(args, cluster.hosts)
        : (await liveNodeAccess(args, kube))(linePrompt(process.stdin, process.stderr));
    // The few checks that write (the node test pod) may, as in a walk: with --allow-mutations, and always in a drill.
    const code = await runOne(id, params, args, kube, nodes, {
      allowMutations: args.allowMutations || drill !== undefined,
      interrupt: interrupt.signal,
    });
    return interrupt.signal.aborted ? 130 : code;
  } finally {
    unsignal();
    await drill?.close();
  }
}

/** A check id that is not one: the ids it is close to, as for a runbook or scenario name. */
export function unknownCheck(id: string | undefined): UsageError {
  if (!id) return new UsageError('check needs a check id (plumbline list checks lists them)', 'check');
  const close = nearest(
    id,
    checks.map((c) => c.id),
  );
  return new UsageError(
    `no check named "${id}"${close.length > 0 ? `: did you mean ${close.join(', ')}?` : ''} (plumbline list checks lists them)`,
    'check',
  );
}

/** `--drill <scenario>`: the check runs on that scenario's simulated cluster and hosts. */
async function startScenario(name: string): Promise<StartingDrill> {
  const { loadScenarioFile } = await import('../../drill/scenario.js');
  const { startDrillThread } = await import('../../drill/thread.js');
  const loaded = await loadScenarioFile(resolveAsset('scenarios', name));
  return startDrillThread(loaded.scenario);
}

async function drillNodes(args: CliArgs, hosts: HostLookup): Promise<NodeAccess> {
  const { createNodeAccess } = await import('../../nodeaccess/index.js');
  const kind = args.nodeAccess ?? 'drill';
  if (kind !== 'drill' && kind !== 'manual')
    throw new UsageError(`--node-access ${kind} cannot reach a drill's simulated hosts; use drill or manual`);
  return createNodeAccess(kind, { hosts, prompt: linePrompt(process.stdin, process.stderr) });
}

async function runOne(
  id: string,
  params: Record<string, string>,
  args: CliArgs,
  kube: KubeClient,
  nodes: NodeAccess,
  opts: { allowMutations: boolean; interrupt: AbortSignal },
): Promise<number> {
  // What a check saw is redacted before anyone sees it, as in a walk (its summary and evidence quote logs and host output).
  const extra = loadExtraPatterns(process.env);
  // A person pasting output is not timed out.
  const signal =
    nodes.kind === 'manual' ? opts.interrupt : AbortSignal.any([opts.interrupt, AbortSignal.timeout(30_000)]);
  const out = await runCheck(
    { step: id, check: id, with: params, timeoutMs: 30_000, inputs: {}, facts: {}, phase: 'top-down' },
    signal,
    {
      kube,
      nodes,
      now: () => new Date(),
      allowMutations: opts.allowMutations,
      onStart: ({ command }) =>
        command && args.output === 'text' && process.stdout.write(`$ ${redactText(command, extra)}\n`),
    },
  ).then((r) => redactEvent(r, extra));
  if (args.output !== 'text') printObject({ check: id, ...out }, args.output);
  else {
    process.stdout.write(`${out.outcome}: ${out.summary}\n`);
    for (const e of out.evidence) process.stdout.write(`  ${e.label}: ${e.value}\n`);
  }
  return out.outcome === 'error' ? 3 : 0;
}
