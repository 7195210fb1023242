import { resolveAsset } from '../../assets.js';
import { startDrill } from '../../drill/cluster.js';
import { loadScenarioFile } from '../../drill/scenario.js';
import { UsageError } from '../args.js';

/** Serves a drill cluster until interrupted, so kubectl (or a second plumbline) can use it. */
export async function serveCommand(name: string | undefined): Promise<number> {
  if (!name) throw new UsageError('cluster serve needs a scenario (see plumbline list scenarios)');
  const { scenario } = await loadScenarioFile(resolveAsset('scenarios', name));
  const drill = await startDrill(scenario);
  process.stdout.write(`drill cluster for ${scenario.id} at ${drill.server.url}\nexport KUBECONFIG=${drill.kubeconfigPath}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await drill.close();
  return 130;
}
