import { bundledNames, resolveAsset, runbookEntries } from '../../assets.js';
import type { InputSpec, RunbookSpec } from '../../runbook/schema.js';
import type { HomeChoice, HomeDrill, HomeRunbook } from '../../ui/Home.js';
import type { CliArgs } from '../args.js';
import { runCommandLine } from '../inputs.js';
import { columnWidth, formatColumns, padCell } from '../../base/columns.js';
import { wrapText } from '../../ui/text.js';

export interface HomeRunbookEntry extends HomeRunbook {
  inputs: InputSpec[];
  /** `bundled`, or which part of the runbook path it was found on (`--runbooks`, `$PLUMBLINE_RUNBOOKS` ...). */
  from: string;
  file: string;
  /** The runbook of the same id it hides (a bundled one, say). */
  shadows?: string;
}

/** The bundled drills and runbooks, as the home screen and its text form list them. */
export async function homeLists(): Promise<{ drills: HomeDrill[]; runbooks: HomeRunbookEntry[] }> {
  const { loadScenarioFile } = await import('../../drill/scenario.js');
  const { loadRunbook } = await import('../walk.js');
  const { drillDifficulty, isBenchmarkScenario } = await import('../../training/difficulty.js');
  const runbooks: HomeRunbookEntry[] = [];
  const specs = new Map<string, RunbookSpec>();
  // The runbook path first (--runbooks, $PLUMBLINE_RUNBOOKS, $XDG_CONFIG_HOME/plumbline/runbooks), then the bundled ones.
  for (const entry of runbookEntries()) {
    const { spec } = await loadRunbook(entry.file);
    specs.set(spec.id, spec);
    runbooks.push({
      id: spec.id,
      title: spec.title,
      symptom: spec.symptom.replace(/\{\{\s*inputs\.(\w+)\s*\}\}/g, '<$1>'),
      inputs: spec.inputs,
      from: entry.from,
      file: entry.file,
      ...(entry.shadows ? { shadows: entry.shadows } : {}),
    });
  }
  const drills: HomeDrill[] = [];
  for (const name of bundledNames('scenarios')) {
    if (isBenchmarkScenario(name)) continue;
    const { scenario } = await loadScenarioFile(resolveAsset('scenarios', name));
    const spec = specs.get(scenario.runbook) ?? (await loadRunbook(scenario.runbook)).spec;
    drills.push({
      id: scenario.id,
      page: scenario.page,
      difficulty: drillDifficulty(spec, scenario.expect.diagnosis),
      runbook: spec.id,
      runbookTitle: spec.title,
    });
  }
  return { drills, runbooks };
}

/** The command that walks a runbook: inputs with a default show it, required ones a placeholder, optional ones are left out. */
export function runCommandFor(runbook: Pick<HomeRunbookEntry, 'id' | 'inputs'>): string {
  return runCommandLine(runbook.id, runbook.inputs);
}

/** What to print for a runbook chosen on the home screen: the command, then what each input means, wrapped to the terminal. */
export function runbookHelp(runbook: HomeRunbookEntry, width = 80): string {
  const lines = [`To walk "${runbook.title}" on your current kube context, run:`, '', `  ${runCommandFor(runbook)}`];
  if (runbook.inputs.length > 0) {
    lines.push('');
    // A description wraps under itself, not under the input's name (the terminal would break it mid-word at column 0).
    const nameWidth = columnWidth(runbook.inputs.map((i) => i.name));
    const indent = ' '.repeat(2 + nameWidth + 2);
    for (const i of runbook.inputs) {
      const [first = '', ...rest] = wrapText(
        `${i.description}${i.required ? '' : ' (optional)'}`,
        Math.max(20, width - indent.length),
      );
      lines.push(`  ${padCell(i.name, nameWidth)}  ${first}`, ...rest.map((l) => `${indent}${l}`));
    }
  }
  return lines.join('\n');
}

/** The lists as text, for `plumbline` without a terminal. */
export function homeText(lists: { drills: HomeDrill[]; runbooks: HomeRunbookEntry[] }): string {
  // One id column for both lists, so the two read as one table.
  const rows = formatColumns(
    [...lists.drills.map((d) => [d.id, d.page]), ...lists.runbooks.map((r) => [r.id, r.symptom])],
    { indent: '  ' },
  );
  return [
    'Drills (plumbline drill <id> [--guided | --free]):',
    ...rows.slice(0, lists.drills.length),
    '',
    'Runbooks (plumbline run <id> <input>; plumbline run <id> --help lists its inputs):',
    ...rows.slice(lists.drills.length),
  ].join('\n');
}

/** The arguments `plumbline drill <id>` (walk), `--guided` or `--free` would give, for a drill picked on the home screen. */
export function drillArgsFor(args: CliArgs, choice: Extract<HomeChoice, { kind: 'drill' }>): CliArgs {
  return { ...args, command: 'drill', positionals: [choice.id], drill: { ...args.drill, mode: choice.mode } };
}

/** `plumbline` alone: the home screen on a terminal, else the lists as text. */
export async function homeCommand(args: CliArgs): Promise<number> {
  const text = args.nonInteractive || !process.stdout.isTTY || !process.stdin.isTTY;
  // On a terminal dispatch has put the home screen's title up already (paintHomePreFrame); it goes on an error.
  const { erasePreFrame } = await import('../preFrame.js');
  let lists: Awaited<ReturnType<typeof homeLists>>;
  try {
    lists = await homeLists();
  } catch (err) {
    erasePreFrame({ now: true });
    throw err;
  }
  if (text) {
    process.stdout.write(`${homeText(lists)}\n`);
    return 0;
  }
  const { pickOnHome } = await import('./homeScreen.js');
  const { drillCommand } = await import('../drill.js');
  // A drill started here comes back here when it ends: the next one is a key away; q on home leaves.
  for (;;) {
    const choice: HomeChoice | null = await pickOnHome(lists, !args.noColor);
    if (!choice) return 0;
    if (choice.kind === 'drill') {
      await drillCommand(drillArgsFor(args, choice));
      continue;
    }
    const runbook = lists.runbooks.find((r) => r.id === choice.id);
    if (runbook) process.stdout.write(`${runbookHelp(runbook, process.stdout.columns || 80)}\n`);
    return 0;
  }
}
