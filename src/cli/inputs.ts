import type { InputSpec } from '../runbook/schema.js';

/**
 * The input a runbook's positional argument fills (`run workload-down web-0`,
 * `run node-not-ready worker-2`): the first required input without a default,
 * else the first input. Declaration order is the author's: it puts first what
 * the page names.
 */
export function mainInput(inputs: readonly InputSpec[]): InputSpec | undefined {
  return inputs.find((i) => i.required && i.default === undefined) ?? inputs[0];
}

/** How an input is given on the command line: the positional argument, -n, or --set. */
export function inputFlag(input: InputSpec, inputs: readonly InputSpec[]): 'positional' | '-n' | '--set' {
  if (mainInput(inputs)?.name === input.name) return 'positional';
  return input.name === 'namespace' ? '-n' : '--set';
}

/** The command that walks a runbook: its main input as the argument, then -n and --set for the inputs with a default or required. */
export function runCommandLine(id: string, inputs: readonly InputSpec[]): string {
  const main = mainInput(inputs);
  const words = ['plumbline run', id];
  for (const i of main ? [main, ...inputs.filter((x) => x !== main)] : inputs) {
    const value = i.default ?? (i.required ? `<${i.name}>` : undefined);
    if (value === undefined) continue;
    const how = inputFlag(i, inputs);
    words.push(how === 'positional' ? value : how === '-n' ? `-n ${value}` : `--set ${i.name}=${value}`);
  }
  return words.join(' ');
}
