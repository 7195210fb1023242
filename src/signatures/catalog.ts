import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../assets.js';
import { precompiled } from '../precompiled.js';
import { validate } from '../runbook/load.js';
import { formatProblem, InputError, parseYamlSource, readInputText, yamlLimit } from '../base/source.js';
import type { SourceProblem, YamlSource } from '../base/source.js';
import { containsTest, regexTest } from './pattern.js';
import type { LineTest } from './pattern.js';
import { signatureFileSchema } from './schema.js';
import type { Signature, SignatureSignal } from './schema.js';
import type { Signal, SignalKind } from './types.js';

/** A signature ready to match: its entry and its compiled line test. */
export interface CompiledSignature extends Signature {
  file: string;
  test: LineTest;
}

/** Which signal kinds each signature kind reads. */
const reads: Record<SignatureSignal, readonly SignalKind[]> = {
  event: ['event'],
  // A pod's status reason and message repeat what its Events say (Evicted, the eviction message).
  status: ['status', 'event'],
  termination: ['termination'],
  condition: ['condition'],
  log: ['log'],
  kernel: ['host'],
  journal: ['host'],
  api: ['api', 'event'],
  arch: ['arch', 'log'],
};

/** The signature kinds an entry names: `signal: journal` or `signal: [journal, event, status]`. */
export function signatureKinds(signature: Pick<Signature, 'signal'>): readonly SignatureSignal[] {
  return typeof signature.signal === 'string' ? [signature.signal] : signature.signal;
}

export function readsKind(signature: Pick<Signature, 'signal'>, kind: SignalKind): boolean {
  return signatureKinds(signature).some((k) => reads[k].includes(kind));
}

/** Whether one signal matches one signature. */
export function matches(sig: CompiledSignature, signal: Signal): boolean {
  if (!readsKind(sig, signal.kind)) return false;
  if (sig.match.reason !== undefined && signal.reason !== sig.match.reason) return false;
  if (sig.match.exitCode !== undefined && signal.exitCode !== sig.match.exitCode) return false;
  if (sig.match.regex === undefined && sig.match.contains === undefined) return true;
  return sig.test(signal.text);
}

export function compileSignature(s: Signature, file: string): CompiledSignature {
  const tests: LineTest[] = [];
  if (s.match.regex !== undefined) tests.push(regexTest(s.match.regex));
  if (s.match.contains !== undefined) tests.push(containsTest(s.match.contains));
  return { ...s, file, test: (line) => tests.every((t) => t(line)) };
}

/** Loads one signatures file: every problem located as file:line:col. */
export function loadSignatureSource(source: YamlSource): CompiledSignature[] {
  const data = validate(source, signatureFileSchema);
  const problems: SourceProblem[] = [];
  const out: CompiledSignature[] = [];
  for (const [i, s] of data.signatures.entries()) {
    const compiled = compileSignature(s, source.file);
    // The example is the entry's proof: a pattern that does not match its own cited line is wrong.
    if (!exampleSignals(compiled).some((sig) => matches(compiled, sig))) {
      problems.push(
        source.problem(['signatures', i, 'example'], `signature "${s.id}": its pattern does not match its own example`),
      );
    }
    out.push(compiled);
  }
  if (problems.length > 0) throw new InputError(problems);
  return out;
}

export function loadSignatureFile(file: string): CompiledSignature[] {
  // A bundled file unchanged since the build was validated then (its examples matched): only the patterns compile here.
  const built = precompiled('signatures', file) as Signature[] | undefined;
  if (built) return built.map((s) => compileSignature(s, file));
  return loadSignatureSource(parseYamlSource(file, readInputText(file, yamlLimit)));
}

/** The bundled catalog's files (signatures/*.yaml beside runbooks/). */
export function bundledSignatureFiles(): string[] {
  const dir = join(packageRoot(), 'signatures');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

/** Loads files and refuses an id used twice. */
export function loadCatalog(files: readonly string[]): CompiledSignature[] {
  const all: CompiledSignature[] = [];
  const problems: SourceProblem[] = [];
  for (const file of files) {
    try {
      all.push(...loadSignatureFile(file));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.problems);
    }
  }
  problems.push(...duplicateIds(all));
  if (problems.length > 0) throw new InputError(problems);
  return all;
}

/** Each entry whose id an earlier one already has, located at its `id:` (file:line:col). */
export function duplicateIds(all: readonly CompiledSignature[]): SourceProblem[] {
  const problems: SourceProblem[] = [];
  const first = new Map<string, string>();
  const index = new Map<string, number>();
  for (const s of all) {
    const i = index.get(s.file) ?? 0;
    index.set(s.file, i + 1);
    const earlier = first.get(s.id);
    if (earlier === undefined) first.set(s.id, s.file);
    else problems.push(locateId(s.file, i, `signature "${s.id}" is also defined in ${earlier}`));
  }
  return problems;
}

function locateId(file: string, i: number, message: string): SourceProblem {
  try {
    return parseYamlSource(file, readInputText(file, yamlLimit)).problem(['signatures', i, 'id'], message);
  } catch {
    // The file was read a moment ago; should it be gone now, the problem still names it.
    return { file, line: 1, column: 1, message };
  }
}

let bundled: CompiledSignature[] | undefined;

/** The bundled catalog, loaded once per process. */
/** Why a catalog could not be read, as a walk and a drill say it: each problem at its file:line:col. */
export function catalogLoadError(err: unknown): string {
  if (err instanceof InputError) return err.problems.map(formatProblem).join('; ');
  return err instanceof Error ? err.message : String(err);
}

export function bundledCatalog(): CompiledSignature[] {
  bundled ??= loadCatalog(bundledSignatureFiles());
  return bundled;
}

/**
 * The signals an entry's cited example stands for: each line of it, read as
 * each signal kind the entry names (one listing several must match under at
 * least one: its source showed the line in one place). A describe line (`Warning  FailedMount  3m
 * kubelet  MountVolume...`) keeps its reason; a describe termination block
 * gives its reason and exit code.
 */
export function exampleSignals(s: Pick<Signature, 'signal' | 'example' | 'layer' | 'match'>): Signal[] {
  return [...new Set(signatureKinds(s).map((k) => reads[k][0] ?? 'log'))].flatMap((kind) => exampleSignalsAs(s, kind));
}

function exampleSignalsAs(s: Pick<Signature, 'example' | 'layer' | 'match'>, kind: SignalKind): Signal[] {
  const lines = s.example
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const base = { kind, layer: s.layer, source: 'example', severity: 2 };
  if (kind === 'termination') {
    const all = s.example;
    const exit = /exit\s?code:?\s*(\d+)/i.exec(all)?.[1];
    const reason = /reason:\s*([A-Za-z]+)/i.exec(all)?.[1];
    return [
      {
        ...base,
        text: lines.join(' '),
        ...(exit === undefined ? {} : { exitCode: Number(exit) }),
        ...(reason === undefined ? {} : { reason }),
      },
    ];
  }
  return lines.map((text) => {
    const reason =
      s.match.reason !== undefined && new RegExp(`(^|[\\s:"])${escape(s.match.reason)}([\\s:"]|$)`).test(text)
        ? s.match.reason
        : undefined;
    return { ...base, text, ...(reason === undefined ? {} : { reason }) };
  });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
