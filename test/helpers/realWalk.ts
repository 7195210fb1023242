import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli.js';

/** How a walk of a real case ended, as `plumbline drill real/<id> -o json` prints it. */
export interface RealWalkEnd {
  outcome: string;
  diagnosis: { id: string; title: string; chain: string[]; fix: string[] } | null;
  candidates: { id: string }[];
}

/** Walks scenarios/real/<name>.yaml headless, its transcript in a fresh folder, and returns how it ended. */
export async function walkReal(name: string): Promise<RealWalkEnd> {
  const transcript = join(mkdtempSync(join(tmpdir(), 'plumbline-real-')), 't.jsonl');
  const r = await runCli(['drill', `real/${name}`, '-o', 'json', '--transcript', transcript]);
  return JSON.parse(r.stdout) as RealWalkEnd;
}
