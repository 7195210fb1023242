import { Argument, Command, CommanderError, Option } from 'commander';
import { nodeAccessKinds } from '../nodeaccess/types.js';
import { difficulties } from '../training/record.js';
import { schemaKinds } from '../runbook/schemaKinds.js';
import type { CliArgs, RawOptions } from './args.js';
import { outputFormats, toCliArgs, version } from './args.js';
import { UsageError } from './usageError.js';

/**
 * The command line, one commander command per plumbline command: each takes
 * only its own flags (an unknown one is an error with a suggestion), has its
 * own --help with examples, and hands the rest of the CLI one checked CliArgs.
 * This module loads commander only; every command's work is a lazy import().
 */

/** What parsing a command line comes to. */
export type Parsed =
  | { kind: 'args'; args: CliArgs }
  /** Help or the version was printed, or a usage error was (code 2). */
  | { kind: 'exit'; code: number }
  /** `run <runbook> --help`, `check <id> --help`: the command's help, then what only loading the runbook or check can tell. */
  | { kind: 'help'; topic: 'run' | 'check'; name: string; text: string };

export interface Io {
  out(s: string): void;
  err(s: string): void;
}

const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

/** The shells `plumbline completion` writes a script for. */
export const completionShells = ['bash', 'zsh', 'fish'] as const;

/** The commands `list` lists. */
export const listKinds = ['runbooks', 'scenarios', 'checks', 'faults'] as const;

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function kubeOptions(cmd: Command, namespace: string): Command {
  return cmd
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kube context to use (default: the current one)')
    .option('-n, --namespace <ns>', namespace);
}

function accessOptions(cmd: Command, kinds: readonly string[], defaultKind: string): Command {
  cmd.addOption(
    new Option('--node-access <kind>', `how host checks run commands on nodes (default: ${defaultKind})`).choices(
      kinds,
    ),
  );
  if (kinds.includes('ssh')) {
    cmd
      .option('--ssh-user <user>', 'ssh: the user to log in as (default: your ssh config)')
      .option('--ssh-option <option>', 'ssh: an -o option for ssh (repeatable)', collect)
      .option('--debug-image <image>', 'kubectl-debug: the debug pod image (default: busybox)');
  }
  return cmd;
}

/** Where runbooks are looked up by id, before the bundled ones (docs/runbooks.md, "Where plumbline finds runbooks"). */
function runbooksOption(cmd: Command): Command {
  return cmd.option(
    '--runbooks <dir>',
    'look runbooks up here first (repeatable; then $PLUMBLINE_RUNBOOKS, $XDG_CONFIG_HOME/plumbline/runbooks, then the bundled ones)',
    collect,
  );
}

function outputOption(cmd: Command, what: string): Command {
  return cmd.addOption(new Option('-o, --output <format>', what).choices([...outputFormats]).default('text'));
}

/** The flags of a walk, live (run) or on a drill cluster (drill). */
function walkOptions(cmd: Command): Command {
  cmd
    .option('--set <key=value>', 'a runbook input (repeatable)', collect)
    .option('--non-interactive', 'no TUI: walk automatically, questions take their defaults');
  outputOption(cmd, 'text or a JSON/YAML object of the walk (either implies --non-interactive)');
  return cmd
    .option('--transcript <file>', 'where to write the session transcript (JSONL, mode 0600)')
    .option('--yes', 'with --non-interactive: confirm the allowed actions (otherwise they are declined)')
    .option('--step', 'TUI: wait for Enter before each check (default: auto)')
    .option('--no-color', 'plain output (also NO_COLOR)');
}

const exitCodes = `Exit codes:
  0    the walk finished, with a diagnosis or with no finding
  1    plumbline test: a scenario ended differently from what it expects
  2    bad usage or bad input: unknown command, flag, runbook or input; a namespace, pod or node that does not exist
  3    could not finish: the walk ended incomplete, the cluster did not answer, an internal error
  130  interrupted: Ctrl-C, or q before the walk ended (q on the end screen exits with the walk's code)`;

const runExamples = `
Examples:
  $ plumbline run workload-down web-0 -n shop
  $ plumbline run node-not-ready worker-2 --node-access ssh --ssh-user admin
  $ plumbline run workload-down --set pod=web-0 --set namespace=shop -o json
  $ plumbline run ./my-runbook.yaml --set service=checkout`;

const checkExamples = `
Examples:
  $ plumbline check pod.status --pod web-0 -n shop
  $ plumbline check node.ready --node worker-2 -o json
  $ plumbline check host.kubelet-service --node worker-2 --node-access ssh
  $ plumbline check cluster.etcd --drill stale-control-plane-after-reboot`;

/** Builds the program; `onParsed` receives what the command line asked for. */
export function buildProgram(io: Io, env: NodeJS.ProcessEnv, onParsed: (p: Parsed) => void): Command {
  const program = new Command('plumbline');
  // Set before any subcommand exists: commander copies these into each one it creates.
  program
    .exitOverride()
    .showSuggestionAfterError(true)
    .enablePositionalOptions()
    .configureHelp({
      sortSubcommands: false,
      showGlobalOptions: false,
      subcommandTerm: (cmd) => `${cmd.name()} ${cmd.usage()}`.replace(/ \[options\]/, '').trim(),
    })
    .configureOutput(outputFor(io, 'plumbline'));

  const args = (command: string | undefined, positionals: string[], opts: RawOptions, mainInput?: string) =>
    onParsed({ kind: 'args', args: toCliArgs(command, positionals, opts, env, mainInput) });
  const sub = (name: string, summary: string): Command => {
    const cmd = program.command(name).summary(summary).allowExcessArguments(false);
    cmd.configureOutput(outputFor(io, `plumbline ${name}`));
    return cmd;
  };

  program
    .description(
      'A guided Kubernetes troubleshooting runbook for the terminal: from a symptom, top-down then bottom-up, to a diagnosis.\nWithout a command, on a terminal: the home screen (pick a drill or a runbook); else the lists as text.',
    )
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', "show help; plumbline <command> --help shows that command's flags and examples")
    .helpCommand('help [command]', 'show help for a command')
    .option('--non-interactive', "print the home screen's lists as text")
    .option('--no-color', 'plain output (also NO_COLOR)')
    .option('--runbooks <dir>', 'look runbooks up here first (repeatable)', collect)
    .addHelpText(
      'after',
      `
Examples:
  $ plumbline run workload-down web-0 -n shop       a pod that is not working
  $ plumbline run node-not-ready worker-2           a NotReady node
  $ plumbline run workload-down --help              the runbook's inputs
  $ plumbline drill                                 a drill on the built-in simulated cluster
  $ plumbline run node-not-ready worker-2 -o json   headless, one JSON object (schemas/walk-output.schema.json)

Shared flags (on the commands that take them): --kubeconfig, --context, -n/--namespace,
--node-access manual|ssh|kubectl-debug|local|drill, -o/--output text|json|yaml, --no-color.

${exitCodes}

Completion: source <(plumbline completion bash)   (also zsh, fish)`,
    );

  const run = sub('run', 'walk a runbook on the current kube context')
    .usage('<runbook> [input] [options]')
    .description(
      "Walk a runbook on the current kube context: top-down from the symptom, then bottom-up, to a diagnosis. The runbook's main input (workload-down's pod, node-not-ready's node) may follow its name; plumbline run <runbook> --help lists the runbook's inputs.\n\nThe namespace, pod and node named are looked up before the first step: one that does not exist stops the run with the names it is close to (exit 2).",
    )
    .argument('[runbook]', 'a bundled runbook (plumbline list runbooks) or a runbook YAML file')
    .argument('[input]', "the runbook's main input (see plumbline run <runbook> --help)")
    .helpOption(false)
    .option('-h, --help', "show this help; after a runbook's name, also that runbook's inputs");
  kubeOptions(run, "the runbook's namespace input");
  walkOptions(run);
  runbooksOption(run);
  accessOptions(
    run,
    nodeAccessKinds.filter((k) => k !== 'drill'),
    'manual',
  );
  run
    .option('--request-timeout <duration>', "how long to wait for the cluster's first answers (default 10s; 500ms, 2m)")
    .option('--allow-mutations', 'let action steps change the cluster (each still shown in full and confirmed)')
    .addHelpText('after', runExamples)
    .action((runbook: string | undefined, input: string | undefined, opts: RawOptions & { help?: boolean }) => {
      if (opts.help) {
        onParsed(
          runbook
            ? { kind: 'help', topic: 'run', name: runbook, text: `${run.helpInformation()}${runExamples}\n` }
            : (run.outputHelp(), { kind: 'exit', code: 0 }),
        );
        return;
      }
      if (!runbook)
        throw new UsageError(
          'run needs a runbook: plumbline run <runbook> (plumbline list runbooks lists them)',
          'run',
        );
      args('run', [runbook], opts, input);
    });

  const drill = sub('drill', 'walk a scenario on the built-in drill cluster (training drills too)')
    .description(
      "Walk a scenario on the built-in simulated cluster (a real API server on loopback; point kubectl at it). --guided: predict each check's outcome; --free: pick the checks yourself; either ends in a scored debrief.",
    )
    .argument(
      '[scenario]',
      'a bundled scenario (plumbline list scenarios), real/<id>, or a scenario YAML file (default: pod-pending-node-selector)',
    );
  walkOptions(drill);
  runbooksOption(drill);
  drill.option('-n, --namespace <ns>', "the scenario's namespace input");
  accessOptions(drill, ['drill', 'manual'], 'drill');
  drill
    .option('--guided', "training: predict each check's outcome, then name the root cause")
    .option('--free', 'training: pick the checks yourself, then name the root cause')
    .option('--random', 'a drawn or composed scenario; the same --seed gives the same drill')
    .option('--seed <n>', 'with --random: the seed')
    .addOption(new Option('--difficulty <level>', 'with --random: how hard').choices([...difficulties]))
    .option('--history', 'progress per scenario, predictions per layer')
    .option('--instructor', "the answer, the shortest path and the trainee's progress, live (from their --transcript)")
    .addHelpText(
      'after',
      `
Examples:
  $ plumbline drill
  $ plumbline drill node-kubelet-down --guided
  $ plumbline drill --random --seed 7 --difficulty hard
  $ plumbline drill real/oom-loop --non-interactive -o json`,
    )
    .action((scenario: string | undefined, opts: RawOptions) => args('drill', scenario ? [scenario] : [], opts));

  const cluster = sub('cluster', 'serve a drill cluster for kubectl (cluster serve <scenario>)');
  const serve = cluster
    .command('serve')
    .summary('serve a drill cluster; prints export KUBECONFIG=... first')
    .description(
      "Serve a scenario's simulated cluster in the foreground until Ctrl-C; the first line is an export of its kubeconfig.",
    )
    .allowExcessArguments(false)
    .argument('<scenario>', 'a bundled scenario, real/<id>, or a scenario file')
    .option('--port <n>', 'the port to listen on (default: a free one)')
    .option('--kubeconfig-out <file>', 'where to write the kubeconfig (default: a temp file)')
    .addHelpText(
      'after',
      '\nExample:\n  $ eval "$(plumbline cluster serve node-kubelet-down | head -1)"; kubectl get nodes',
    )
    .action((scenario: string, opts: RawOptions) => args('cluster', ['serve', scenario], opts));
  serve.configureOutput(outputFor(io, 'plumbline cluster serve'));

  const check = sub('check', 'run one check, print its result')
    .usage('<check-id> [options]')
    .description(
      "Run one check on the current context (or a drill's cluster) and print its outcome, summary and evidence. Its parameters come from --pod, --node and -n, or --set name=value; plumbline check <check-id> --help lists them.\n\nExit 0 when the check could look, 3 when it could not (error), 2 for bad usage.",
    )
    .argument('[check-id]', 'a check id (plumbline list checks)')
    .helpOption(false)
    .option('-h, --help', "show this help; after a check id, also that check's parameters");
  kubeOptions(check, "the check's namespace parameter");
  check
    .option('--pod <name>', "a pod check's pod")
    .option('--node <name>', 'the node a node or host check looks at')
    .option('--set <key=value>', 'a check parameter (repeatable)', collect);
  outputOption(check, 'text, or the result as JSON or YAML');
  accessOptions(check, nodeAccessKinds, 'manual; drill with --drill');
  check
    .option('--drill <scenario>', "run on that scenario's simulated cluster and hosts")
    .option('--allow-mutations', 'let the few checks that write (the node test pod) do so')
    .addHelpText('after', checkExamples)
    .action((id: string | undefined, opts: RawOptions & { help?: boolean }) => {
      if (opts.help) {
        onParsed(
          id
            ? { kind: 'help', topic: 'check', name: id, text: `${check.helpInformation()}${checkExamples}\n` }
            : (check.outputHelp(), { kind: 'exit', code: 0 }),
        );
        return;
      }
      if (!id)
        throw new UsageError(
          'check needs a check id: plumbline check <check-id> (plumbline list checks lists them)',
          'check',
        );
      args('check', [id], opts);
    });

  sub('report', 'a postmortem from a session transcript')
    .description(
      'A postmortem (summary, impact to fill, timeline, root cause with its evidence, fix and verification, follow-ups, the path, raw outputs once and collapsed) from a transcript, even one cut short.',
    )
    .argument('<transcript>', 'a session transcript (.jsonl)')
    .addOption(
      new Option(
        '-o, --output <format>',
        'markdown, one self-contained HTML page, or the report as a JSON or YAML object',
      ).choices(['markdown', 'html', 'json', 'yaml']),
    )
    .addOption(
      new Option('--format <format>', 'the same as -o (markdown, html or json)').choices(['markdown', 'html', 'json']),
    )
    .option('--out <file>', 'write the report to this file (mode 0600) instead of stdout')
    .option('--full', 'show every raw output in full (by default, its first lines; the transcript keeps it all)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ plumbline report ~/.local/state/plumbline/transcripts/<file>.jsonl --out postmortem.md\n  $ plumbline report t.jsonl -o json\n  $ plumbline report t.jsonl --format html --out postmortem.html',
    )
    .action((transcript: string, opts: RawOptions) => args('report', [transcript], opts));

  sub('replay', 'play a session back in the TUI, from its transcript alone')
    .argument('<transcript>', 'a session transcript (.jsonl)')
    .option('--speed <n>', 'playback speed (2: twice as fast)')
    .option('--step', 'one step per Enter')
    .option('--non-interactive', 'print the session as text')
    .option('--no-color', 'plain output (also NO_COLOR)')
    .addHelpText('after', '\nExample:\n  $ plumbline replay t.jsonl --speed 4')
    .action((transcript: string, opts: RawOptions) => args('replay', [transcript], opts));

  const list = sub('list', 'list runbooks, scenarios, checks or faults')
    .description('List the bundled runbooks (with title, symptom and inputs), scenarios, checks or drill faults.')
    .addArgument(new Argument('<what>', 'what to list').choices([...listKinds]));
  outputOption(list, 'a table, or every field as JSON or YAML');
  runbooksOption(list);
  list
    .addHelpText('after', '\nExamples:\n  $ plumbline list runbooks\n  $ plumbline list checks -o json')
    .action((what: string, opts: RawOptions) => args('list', [what], opts));

  const lint = sub('lint', 'validate runbooks and scenarios')
    .description(
      'Validate runbooks and scenarios (and the checks they declare): every problem as file:line:col; exit 2 if there is any.',
    )
    .argument('[files...]', 'runbook or scenario files (default: the bundled ones)');
  runbooksOption(lint)
    .addHelpText('after', '\nExample:\n  $ plumbline lint runbooks/my-runbook.yaml')
    .action((files: string[], opts: RawOptions) => args('lint', files, opts));

  const test = sub('test', 'walk scenarios headless, compare with their expected diagnosis')
    .description(
      'Walk scenarios headless, each on its own drill cluster, and compare how each ends with what it expects (exit 1 on a mismatch).\nA folder stands for every scenario in it but raw/.',
    )
    .argument('[scenarios...]', 'scenario names, files or folders (default: the bundled scenarios)')
    .option('--pass-rate <percent>', 'exit 0 when at least this percentage pass (default: all must)');
  outputOption(test, 'a table, or one row per scenario as JSON or YAML');
  runbooksOption(test);
  test
    .addHelpText('after', '\nExamples:\n  $ plumbline test\n  $ plumbline test scenarios/real --pass-rate 95')
    .action((scenarios: string[], opts: RawOptions) => args('test', scenarios, opts));

  const graph = sub('graph', "draw a runbook's decision tree").argument(
    '<runbook>',
    'a bundled runbook or a runbook file',
  );
  runbooksOption(graph)
    .addOption(
      new Option('--format <format>', 'Mermaid or Graphviz DOT').choices(['mermaid', 'dot']).default('mermaid'),
    )
    .addHelpText('after', '\nExample:\n  $ plumbline graph workload-down --format dot | dot -Tsvg > workload-down.svg')
    .action((runbook: string, opts: RawOptions) => args('graph', [runbook], opts));

  sub('schema', 'print the JSON Schema of runbooks, scenarios, files of declared checks or signatures')
    .description(
      'Print the JSON Schema editors validate runbooks, scenarios, files of declared checks and signature files with (generated from the same schemas plumbline loads them with). Bundled files name theirs in a first line: # yaml-language-server: $schema=<path>.',
    )
    .addArgument(new Argument('<kind>', 'which file').choices([...schemaKinds]))
    .addHelpText('after', '\nExample:\n  $ plumbline schema runbook > .schemas/runbook.schema.json')
    .action((kind: string, opts: RawOptions) => args('schema', [kind], opts));

  sub('new', 'scaffold a team runbook: its checks, a scenario for a finding and a healthy one, and a test')
    .usage('runbook <id> [options]')
    .description(
      'Write runbooks/<id>.yaml (with one declared check in runbooks/checks/<id>.yaml), two scenarios and test.sh under --out (default: here); docs/runbooks.md walks through editing them. Never overwrites a file.',
    )
    .addArgument(new Argument('<what>', 'what to scaffold').choices(['runbook']))
    .argument('<id>', 'the runbook id: lower-case words joined by dashes')
    .option('--out <dir>', 'where to write (default: the current folder)')
    .addHelpText(
      'after',
      '\nExample:\n  $ plumbline new runbook checkout-5xx --out team-runbooks && team-runbooks/test.sh',
    )
    .action((what: string, id: string, opts: RawOptions) => args('new', [what, id], opts));

  sub('completion', 'print a shell completion script (bash, zsh, fish)')
    .description(
      'Print a completion script: commands, flags, runbook and scenario names, check ids, and the namespaces, pods and nodes of the current context.',
    )
    .addArgument(new Argument('<shell>', 'the shell').choices([...completionShells]))
    .addHelpText(
      'after',
      `
Examples:
  bash:  source <(plumbline completion bash)        (or save it in /etc/bash_completion.d/plumbline)
  zsh:   source <(plumbline completion zsh)         (or save it as _plumbline on your $fpath)
  fish:  plumbline completion fish > ~/.config/fish/completions/plumbline.fish`,
    )
    .action((shell: string, opts: RawOptions) => args('completion', [shell], opts));

  // What the completion scripts call, as kubectl's __complete: the words so far, the last being completed.
  program
    .command('__complete', { hidden: true })
    .helpOption(false)
    .passThroughOptions()
    .allowUnknownOption()
    .argument('[words...]')
    .action((words: string[]) => args('__complete', words, {}));

  // Set after the subcommands, so only `plumbline <word>` reaches the home action, which rejects it.
  program.allowExcessArguments(true).action((opts: RawOptions) => {
    if (program.args.length > 0) (program as unknown as { unknownCommand(): never }).unknownCommand();
    args(undefined, [], opts);
  });
  return program;
}

/** Commander's messages as plumbline writes errors: one line, the suggestion on it, the help to read. */
function outputFor(io: Io, path: string) {
  return {
    writeOut: (s: string) => io.out(s),
    writeErr: (s: string) => io.err(s),
    outputError: (message: string, write: (s: string) => void) => {
      const text = message
        .trim()
        .replace(/^error: /, '')
        .replace(/\n\(Did you mean (.*)\?\)$/, ' (did you mean $1?)');
      write(`plumbline: ${text} (see ${path} --help)\n`);
    },
  };
}

/** Parses a command line; help, the version and usage errors are printed here. A UsageError from checking values is thrown. */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv = process.env, io: Io = stdio): Parsed {
  let parsed: Parsed | undefined;
  const program = buildProgram(io, env, (p) => (parsed = p));
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return { kind: 'exit', code: err.exitCode === 0 ? 0 : 2 };
    throw err;
  }
  return parsed ?? { kind: 'exit', code: 0 };
}

const silent: Io = { out: () => {}, err: () => {} };

/** The arguments of a command line that runs a command (tests, the home screen); anything else is a UsageError. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliArgs {
  const p = parseCommandLine(argv, env, silent);
  if (p.kind !== 'args') throw new UsageError(`not a command that runs: ${argv.join(' ')}`);
  return p.args;
}
