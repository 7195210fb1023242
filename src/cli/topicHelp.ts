import type { Parsed } from './program.js';
import { checkParams } from './checkParams.js';
import { inputFlag, mainInput, runCommandLine } from './inputs.js';
import { formatColumns } from '../base/columns.js';

/** `run <runbook> --help` and `check <id> --help`: the command's help, then the runbook's inputs or the check's parameters. */
export async function printTopicHelp(help: Extract<Parsed, { kind: 'help' }>): Promise<number> {
  const extra = help.topic === 'run' ? await runbookSection(help.name) : await checkSection(help.name);
  process.stdout.write(`${help.text}\n${extra}\n`);
  return 0;
}

async function runbookSection(name: string): Promise<string> {
  const { loadRunbook } = await import('./walk.js');
  const { spec } = await loadRunbook(name);
  const main = mainInput(spec.inputs);
  const rows = (main ? [main, ...spec.inputs.filter((i) => i !== main)] : spec.inputs).map((i) => {
    const how = inputFlag(i, spec.inputs);
    const flag = how === 'positional' ? `<${i.name}>` : how === '-n' ? `-n <${i.name}>` : `--set ${i.name}=`;
    const tail = i.default !== undefined ? ` (default: ${i.default})` : i.required ? ' (required)' : ' (optional)';
    return [flag, `${i.description}${tail}`] as const;
  });
  return [
    `Runbook ${spec.id}: ${spec.title}`,
    `  symptom: ${spec.symptom.replace(/\{\{\s*inputs\.(\w+)\s*\}\}/g, '<$1>')}`,
    '',
    'Inputs:',
    ...(rows.length > 0 ? formatColumns(rows, { indent: '  ' }) : ['  (none)']),
    '',
    'Run it:',
    `  $ ${runCommandLine(spec.id, spec.inputs)}`,
  ].join('\n');
}

async function checkSection(id: string): Promise<string> {
  const { findCheck } = await import('../checks/registry.js');
  const check = findCheck(id);
  if (!check) {
    const { unknownCheck } = await import('./commands/check.js');
    throw unknownCheck(id);
  }
  const { commandTemplate } = await import('./commands/list.js');
  const params = checkParams(check);
  const rows = params.map(
    (p) =>
      [
        p.flag.startsWith('--set') ? `${p.flag}<${p.name}>` : `${p.flag} <${p.name}>`,
        p.required ? 'required' : p.default !== undefined ? `default: ${JSON.stringify(p.default)}` : 'optional',
      ] as const,
  );
  const example = [
    'plumbline check',
    id,
    ...params
      .filter((p) => p.required)
      .map((p) => (p.flag.startsWith('--set') ? `${p.flag}<${p.name}>` : `${p.flag} <${p.name}>`)),
  ].join(' ');
  return [
    `Check ${check.id} (${check.layer}): ${check.title}`,
    `  ${check.why}`,
    `  outcomes: ${check.outcomes.join(', ')}, error`,
    `  shows the same as: ${commandTemplate(check)}`,
    '',
    'Parameters:',
    ...(rows.length > 0 ? formatColumns(rows, { indent: '  ' }) : ['  (none)']),
    '',
    'Run it:',
    `  $ ${example}`,
  ].join('\n');
}
