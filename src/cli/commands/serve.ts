import { resolveAsset } from '../../assets.js';
import { startDrill } from '../../drill/cluster.js';
import { loadScenarioFile } from '../../drill/scenario.js';
import { quoteArg } from '../../nodeaccess/quote.js';
import type { CliArgs } from '../args.js';
import { UsageError } from '../usageError.js';
import { onEndSignal } from '../guard.js';

/** Serves a drill cluster in the foreground until Ctrl-C, SIGTERM or SIGHUP (its terminal closed), so kubectl (or a second plumbline) can use it. */
export async function serveCommand(
  name: string | undefined,
  args: Pick<CliArgs, 'port' | 'kubeconfigOut'>,
): Promise<number> {
  if (!name) throw new UsageError('cluster serve needs a scenario (see plumbline list scenarios)');
  const { scenario } = await loadScenarioFile(resolveAsset('scenarios', name));
  const drill = await startDrill(scenario, {
    ...(args.port === undefined ? {} : { port: args.port }),
    ...(args.kubeconfigOut ? { kubeconfigPath: args.kubeconfigOut } : {}),
  });
  // The export line comes first so `eval "$(plumbline cluster serve x | head -1)"` works; quoted, so a
  // TMPDIR with a space or a `$(...)` in it is one literal word under eval too.
  // The handlers are in place before the line that tells a caller the cluster is up: a signal sent on reading it stops it cleanly.
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const unsignal = onEndSignal(() => stop());
  process.stdout.write(
    `export KUBECONFIG=${quoteArg(drill.kubeconfigPath)}\n# drill cluster for ${scenario.id} at ${drill.server.url}; Ctrl-C stops it\n`,
  );
  await stopped;
  unsignal();
  await drill.close();
  return 0;
}
