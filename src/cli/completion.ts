import type { Command, Option } from 'commander';
import { bundledNames, realScenarioNames } from '../assets.js';
import { UsageError } from './usageError.js';
import { buildProgram, completionShells } from './program.js';

/**
 * Shell completion as kubectl does it: the script a shell sources only asks
 * `plumbline __complete <words...>` (the last word is the one being typed)
 * and offers what it prints, one candidate a line. A lone `:files` line asks
 * the shell for file names instead. Live names (namespaces, pods, nodes) come
 * from the context the words name, or the current one, within two seconds.
 */

const filesDirective = ':files';

/** `plumbline completion bash|zsh|fish`: the script to source. */
export function completionCommand(shell: string | undefined): number {
  switch (shell) {
    case 'bash':
      process.stdout.write(bashScript);
      return 0;
    case 'zsh':
      process.stdout.write(zshScript);
      return 0;
    case 'fish':
      process.stdout.write(fishScript);
      return 0;
    default:
      throw new UsageError(`completion takes one of ${completionShells.join(', ')}`, 'completion');
  }
}

/** `plumbline __complete <words...>`: the candidates for the last word, one a line. */
export async function completeCommand(words: string[]): Promise<number> {
  const found = await complete(words);
  process.stdout.write(found === 'files' ? `${filesDirective}\n` : found.map((c) => `${c}\n`).join(''));
  return 0;
}

/** What can follow the words typed so far; the last word is the one being completed (possibly empty). */
export async function complete(words: string[], liveNames: LiveNames = kubeNames): Promise<string[] | 'files'> {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const program = buildProgram({ out: () => {}, err: () => {} }, {}, () => {});
  const visible = (c: Command) => !(c as unknown as { _hidden?: boolean })._hidden;
  const commandNames = program.commands.filter(visible).map((c) => c.name());
  const starting = (list: readonly string[]) => [...new Set(list)].filter((c) => c.startsWith(current));

  // The command (and cluster's subcommand) the words name.
  let cmd: Command = program;
  let rest = before;
  while (rest.length > 0) {
    const next = cmd.commands.find((c) => c.name() === rest[0]);
    if (!next) break;
    cmd = next;
    rest = rest.slice(1);
  }
  if (cmd === program) {
    if (before[0] === 'help') return starting(commandNames);
    return current.startsWith('-') ? starting(flagsOf(program)) : starting(commandNames);
  }
  if (cmd.commands.length > 0 && rest.length === 0 && !current.startsWith('-'))
    return starting(
      cmd.commands
        .filter(visible)
        .map((c) => c.name())
        .filter((n) => n !== 'help'),
    );

  const { positionals, values } = splitWords(cmd, rest);
  const target = { kubeconfig: values.get('--kubeconfig'), context: values.get('--context') };
  const namespace = values.get('--namespace') ?? values.get('-n');

  // A value for the option just before.
  const last = before.at(-1);
  const pending = last !== undefined && before.length > 0 ? optionOf(cmd, last) : undefined;
  if (pending && takesValue(pending) && !lastIsValue(cmd, rest)) {
    const choices = (pending as Option & { argChoices?: string[] }).argChoices;
    if (choices) return starting(choices);
    switch (pending.long) {
      case '--namespace':
        return starting(await liveNames('namespaces', target));
      case '--node':
        return starting(await liveNames('nodes', target));
      case '--pod':
        return starting(await liveNames('pods', { ...target, namespace }));
      case '--context':
        return starting(await liveNames('contexts', target));
      case '--drill':
        return starting(scenarioNames());
      case '--set':
        return starting(await setKeys(cmd.name(), positionals[0]));
      case '--kubeconfig':
      case '--transcript':
      case '--out':
      case '--kubeconfig-out':
        return 'files';
      default:
        return [];
    }
  }
  if (current.startsWith('-')) return starting(flagsOf(cmd));

  // A positional argument.
  const at = positionals.length;
  switch (cmd.name()) {
    case 'run':
      if (at === 0) return starting(bundledNames('runbooks'));
      if (at === 1) {
        const pick = await mainInputPick(positionals[0] ?? '');
        return pick ? starting(await liveNames(`${pick}s`, { ...target, namespace })) : [];
      }
      return [];
    case 'drill':
    case 'serve':
      return at === 0 ? starting(scenarioNames()) : [];
    case 'graph':
      return at === 0 ? starting(bundledNames('runbooks')) : [];
    case 'check':
      if (at > 0) return [];
      return starting((await import('../checks/registry.js')).checks.map((c) => c.id));
    case 'list':
    case 'completion':
      return at === 0 ? starting(cmd.registeredArguments[0]?.argChoices ?? []) : [];
    case 'test':
      return current.includes('/') || current.startsWith('.') ? 'files' : starting(scenarioNames());
    case 'report':
    case 'replay':
    case 'lint':
      return 'files';
    default:
      return [];
  }
}

export type LiveKind = 'namespaces' | 'nodes' | 'pods' | 'contexts';
export type LiveNames = (
  kind: LiveKind,
  target: { kubeconfig?: string | undefined; context?: string | undefined; namespace?: string | undefined },
) => Promise<string[]>;

function scenarioNames(): string[] {
  return [...bundledNames('scenarios'), ...realScenarioNames()];
}

function flagsOf(cmd: Command): string[] {
  const flags: string[] = [];
  for (const o of cmd.options) {
    if ((o as Option & { hidden?: boolean }).hidden) continue;
    if (o.long) flags.push(o.long);
    if (o.short) flags.push(o.short);
  }
  return flags;
}

function optionOf(cmd: Command, word: string): Option | undefined {
  return cmd.options.find((o) => o.long === word || o.short === word);
}

function takesValue(o: Option): boolean {
  return o.required || o.optional;
}

/** Whether the last word typed before the current one is itself an option's value (`--node-access ssh`, then a new word). */
function lastIsValue(cmd: Command, rest: string[]): boolean {
  const prior = rest.at(-2);
  if (prior === undefined) return false;
  const o = optionOf(cmd, prior);
  return o !== undefined && takesValue(o) && !lastIsValue(cmd, rest.slice(0, -1));
}

/** The positional words and the option values among the words after the command. */
function splitWords(cmd: Command, words: string[]): { positionals: string[]; values: Map<string, string> } {
  const positionals: string[] = [];
  const values = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (w.startsWith('-')) {
      const [flag = w, inline] = w.split(/=(.*)/s);
      const o = optionOf(cmd, flag);
      if (o && takesValue(o)) {
        const value = inline ?? words[++i];
        if (value !== undefined) values.set(o.long ?? flag, value);
      }
      continue;
    }
    positionals.push(w);
  }
  return { positionals, values };
}

/** What a runbook's positional input names (pod, node, namespace), to offer live names of it. */
async function mainInputPick(runbook: string): Promise<'pod' | 'node' | 'namespace' | undefined> {
  try {
    const { loadRunbook } = await import('./walk.js');
    const { mainInput } = await import('./inputs.js');
    return mainInput((await loadRunbook(runbook)).spec.inputs)?.pick;
  } catch {
    return undefined;
  }
}

/** `--set` keys: the runbook's inputs, or the check's parameters, each ending in `=`. */
async function setKeys(command: string, name: string | undefined): Promise<string[]> {
  if (!name) return [];
  try {
    if (command === 'check') {
      const { findCheck } = await import('../checks/registry.js');
      const check = findCheck(name);
      const shape = (check?.params as unknown as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
      return Object.keys(shape).map((k) => `${k}=`);
    }
    const { loadRunbook } = await import('./walk.js');
    return (await loadRunbook(name)).spec.inputs.map((i) => `${i.name}=`);
  } catch {
    return [];
  }
}

/** Names from the cluster the words point at: one page of each, two seconds at most, nothing on any error. */
const kubeNames: LiveNames = async (kind, target) => {
  try {
    const { loadKubeConfig } = await import('../kube/config.js');
    const config = await loadKubeConfig({ kubeconfig: target.kubeconfig, context: target.context });
    if (kind === 'contexts') return config.kc.getContexts().map((c) => c.name);
    const { KubeClient } = await import('../kube/client.js');
    const kube = (await KubeClient.create(config)).withSignal(AbortSignal.timeout(2000));
    const namespace = target.namespace ?? config.kc.getContextObject(config.contextName)?.namespace ?? 'default';
    const path =
      kind === 'namespaces'
        ? '/api/v1/namespaces?limit=500'
        : kind === 'nodes'
          ? '/api/v1/nodes?limit=500'
          : `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods?limit=500`;
    const r = await kube.getRaw(path);
    if (r.status !== 200) return [];
    return ((JSON.parse(r.body) as { items?: { metadata?: { name?: string } }[] }).items ?? [])
      .map((i) => i.metadata?.name ?? '')
      .filter((n) => n !== '');
  } catch {
    return [];
  }
};

const bashScript = `# plumbline completion for bash. Load it with:
#   source <(plumbline completion bash)
# or save it as /etc/bash_completion.d/plumbline.
_plumbline() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" out
  out=$("\${COMP_WORDS[0]}" __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return 0
  if [[ "$out" == "${filesDirective}" ]]; then
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    return 0
  fi
  local IFS=$'\\n'
  mapfile -t COMPREPLY < <(compgen -W "$out" -- "$cur")
}
complete -F _plumbline plumbline kubectl-plumbline
`;

const zshScript = `#compdef plumbline kubectl-plumbline
# plumbline completion for zsh. Load it with:
#   source <(plumbline completion zsh)
# or save it as _plumbline in a directory on your $fpath.
_plumbline() {
  local out
  out=$("\${words[1]}" __complete "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  if [[ "$out" == "${filesDirective}" ]]; then
    _files
    return
  fi
  local -a candidates
  candidates=("\${(@f)out}")
  compadd -- "\${candidates[@]}"
}
if [[ "$funcstack[1]" == "_plumbline" ]]; then
  _plumbline "$@"
else
  compdef _plumbline plumbline kubectl-plumbline
fi
`;

const fishScript = `# plumbline completion for fish. Save it with:
#   plumbline completion fish > ~/.config/fish/completions/plumbline.fish
function __plumbline_complete
    set -l words (commandline -opc) (commandline -ct)
    set -l out ($words[1] __complete $words[2..-1] 2>/dev/null)
    if test "$out" = "${filesDirective}"
        __fish_complete_path (commandline -ct)
    else
        printf '%s\\n' $out
    end
end
complete -c plumbline -f -a '(__plumbline_complete)'
complete -c kubectl-plumbline -f -a '(__plumbline_complete)'
`;
