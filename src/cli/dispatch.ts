import { setFlagsFromString } from 'node:v8';
import type { CliArgs } from './args.js';
import { wantsTui } from './args.js';
import { UsageError } from './usageError.js';

/** Runs one command; each loads only the modules it needs. */
export async function dispatch(args: CliArgs): Promise<number> {
  // V8 grows the young generation up to 16 MiB per semi-space; kept at its first size (1 MiB), a short-lived
  // CLI gains little from fewer scavenges and pays each MiB in RSS (measured: a 5,000-node walk's peak 140 -> 118 MiB).
  // `cluster serve` is a long-lived server with its own memory goals: left as V8 sizes it.
  if (args.command !== 'cluster') setFlagsFromString('--semi-space-growth-factor=1');
  const { setRunbookPath } = await import('../assets.js');
  setRunbookPath(args.runbooks);
  switch (args.command) {
    case undefined: {
      const { paintHomePreFrame } = await import('./preFrame.js');
      paintHomePreFrame(args);
      const { homeCommand } = await import('./commands/home.js');
      return homeCommand(args);
    }
    case 'drill': {
      const { drillCommand } = await import('./drill.js');
      return drillCommand(args);
    }
    case 'run': {
      const interactive = wantsTui(args);
      if (!interactive) {
        const { planRun } = await import('./walk.js');
        const plan = await planRun(args);
        const { walkHeadless } = await import('./headless.js');
        return walkHeadless(plan, args);
      }
      // The header goes up as plain text while the runbook, the kube client and the first requests load.
      const { erasePreFrame, paintPreFrame, runPreFrame } = await import('./preFrame.js');
      const { kubeconfigFiles } = await import('../kube/config.js');
      const pre = args.positionals[0]
        ? runPreFrame(args.positionals[0], {
            auto: !args.step,
            context: args.context,
            files: () => kubeconfigFiles({ kubeconfig: args.kubeconfig }),
          })
        : undefined;
      if (pre) paintPreFrame(pre, !args.noColor);
      try {
        const { planRun } = await import('./walk.js');
        const plan = await planRun(args);
        const { walkInteractive } = await import('./interactive.js');
        return await walkInteractive(plan, args);
      } finally {
        erasePreFrame({ now: true }); // still there only when the walk never drew (an error): the error goes in its place
      }
    }
    case 'lint': {
      const { lintCommand } = await import('./commands/lint.js');
      return lintCommand(args.positionals);
    }
    case 'list': {
      const { listCommand } = await import('./commands/list.js');
      return listCommand(args.positionals[0], args);
    }
    case 'check': {
      const { checkCommand } = await import('./commands/check.js');
      return checkCommand(args);
    }
    case 'report': {
      const { reportCommand } = await import('./commands/report.js');
      return reportCommand(args.positionals[0], { format: args.format, out: args.out, fullOutput: args.fullOutput });
    }
    case 'completion': {
      const { completionCommand } = await import('./completion.js');
      return completionCommand(args.positionals[0]);
    }
    case '__complete': {
      const { completeCommand } = await import('./completion.js');
      return completeCommand(args.positionals);
    }
    case 'replay': {
      const { replayCommand } = await import('./commands/replay.js');
      return replayCommand(args.positionals[0], args);
    }
    case 'graph': {
      const { graphCommand } = await import('./commands/graph.js');
      return graphCommand(args.positionals[0], args.graphFormat ?? 'mermaid');
    }
    case 'test': {
      const { testCommand } = await import('./commands/test.js');
      return testCommand(args);
    }
    case 'schema': {
      const { schemaCommand } = await import('./commands/schema.js');
      return schemaCommand(args.positionals[0]);
    }
    case 'new': {
      const { newCommand } = await import('./commands/new.js');
      return newCommand(args.positionals, args);
    }
    case 'cluster': {
      if (args.positionals[0] !== 'serve')
        throw new UsageError('cluster takes one subcommand: plumbline cluster serve <scenario>', 'cluster');
      const { serveCommand } = await import('./commands/serve.js');
      return serveCommand(args.positionals[1], args);
    }
    default:
      throw new UsageError(`unknown command "${args.command}"`);
  }
}
