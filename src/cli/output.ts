import { stringify } from 'yaml';
import type { OutputFormat } from './args.js';

/** A structured result on stdout, as `-o json` or `-o yaml` asked (kubectl's shapes: 2-space JSON, plain YAML). */
export function printObject(value: unknown, format: Exclude<OutputFormat, 'text'>): void {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  process.stdout.write(toYaml(value));
}

/** YAML without folded lines or anchors: a reader greps it, or parses it without knowing YAML's finer points. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}
