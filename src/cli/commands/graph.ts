import { findCheck } from '../../checks/registry.js';
import { resolveAsset } from '../../assets.js';
import { loadRunbookFile } from '../../runbook/load.js';
import { graphDot, graphMermaid, runbookGraph } from '../../runbook-graph/graph.js';
import { UsageError } from '../usageError.js';

/** Prints a runbook's decision tree (included runbooks inlined) as Mermaid or DOT. */
export async function graphCommand(name: string | undefined, format: 'mermaid' | 'dot'): Promise<number> {
  if (!name)
    throw new UsageError(
      'graph needs a runbook: plumbline graph <runbook> [--format mermaid|dot] (see plumbline list runbooks)',
    );
  const runbook = await loadRunbookFile(resolveAsset('runbooks', name), findCheck);
  const graph = runbookGraph(runbook.spec);
  process.stdout.write(`${format === 'dot' ? graphDot(graph) : graphMermaid(graph)}\n`);
  return 0;
}
