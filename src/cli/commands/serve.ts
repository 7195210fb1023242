import { resolveAsset } from '../../assets.js';
import { startDrill } from '../../drill/cluster.js';
import { loadScenarioFile } from '../../drill/scenario.js';
import type { CliArgs } from '../args.js';
import { UsageError } from '../args.js';

/** Serves a drill cluster in the foreground until Ctrl-C or SIGTERM, so kubectl (or a second plumbline) can use it. */
export async function serveCommand(name: string | undefined, args: Pick<CliArgs, 'port' | 'kubeconfigOut'>): Promise<number> {
  if (!name) throw new UsageError('cluster serve needs a scenario (see plumbline list scenarios)');
  const { scenario } = await loadScenarioFile(resolveAsset('scenarios', name));
  const drill = await startDrill(scenario, { ...(args.port === undefined ? {} : { port: args.port }), ...(args.kubeconfigOut ? { kubeconfigPath: args.kubeconfigOut } : {}) });
  // The export line comes first so `eval "$(plumbline cluster serve x | head -1)"` works.
  process.stdout.write(`export KUBECONFIG=${drill.kubeconfigPath}\n# drill cluster for ${scenario.id} at ${drill.server.url}; Ctrl-C stops it\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await drill.close();
  return 0;
}
