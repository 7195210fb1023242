import { resolve } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { validate } from '../runbook/load.js';
import {
  containedPath,
  documentData,
  FileReadError,
  InputError,
  locator,
  offsetOf,
  ownFolder,
  rawLimit,
  readInputText,
  yamlParseOptions,
} from '../base/source.js';
import type { SourceProblem, YamlSource } from '../base/source.js';
import { isKubeList, rawEntry } from './scenarioSchema.js';
import type { Scenario } from './scenarioSchema.js';
import type { KubeObject } from './types.js';

/**
 * Raw material pasted from a real cluster: object files (`kubectl get -o yaml`
 * or `-o json`), container log files and host command outputs, read from
 * beside the scenario and folded into it, so the rest of the drill sees one
 * self-contained Scenario.
 */

/** `kind: List` entries become their items, recursively, in order. */
export function flattenLists(entries: readonly Record<string, unknown>[]): KubeObject[] {
  return entries.flatMap((e) =>
    isKubeList(e) ? flattenLists(e.items as Record<string, unknown>[]) : [e as KubeObject],
  );
}

/** A file the scenario names, read only from the scenario's own folder; where: the scenario's line naming it. */
function readText(base: string, ref: string, where: SourceProblem): string {
  const found = containedPath(base, ref);
  if ('why' in found) throw new InputError([{ ...where, message: `${where.message}${ref}: ${found.why}` }]);
  try {
    return readInputText(found.path, rawLimit);
  } catch (err) {
    if (!(err instanceof FileReadError)) throw err;
    throw new InputError([{ ...where, message: `${where.message}${resolve(base, ref)}: ${err.why}` }]);
  }
}

/**
 * The objects of one file of pasted output: YAML documents separated by `---`,
 * or JSON (a single object or a List); each is checked as an object or a List,
 * with problems located in this file.
 */
export function parseObjectFile(file: string, text: string): KubeObject[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, ...yamlParseOptions });
  const at = locator(lineCounter);
  if (!Array.isArray(docs)) return [];
  const problems: SourceProblem[] = [];
  const objects: KubeObject[] = [];
  for (const doc of docs) {
    let data: unknown;
    try {
      data = documentData(doc, file, at);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.problems);
      continue;
    }
    // `---` at the end of a paste leaves an empty document: nothing to serve.
    if (data === null || data === undefined) continue;
    const locate = (path: readonly PropertyKey[]) => at(offsetOf(doc, path));
    const source: YamlSource = {
      file,
      text,
      data,
      locate,
      problem: (path, message) => ({ file, ...locate(path), message }),
    };
    try {
      objects.push(...flattenLists([validate(source, rawEntry)]));
    } catch (err) {
      if (err instanceof InputError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return objects;
}

/** Log file text as `kubectl logs` printed it: one entry per line, the final newline ending the last. */
export function logLines(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * Reads every file the scenario names (relative paths against the scenario's
 * own directory) and returns the scenario with their contents inlined:
 * objects from `objectFiles` before the written `objects` (so a written one
 * can still replace a pasted one), `logFiles` after `logs`, and host `file:`
 * answers as their stdout.
 */
export async function inlineRawFiles(scenario: Scenario, source: YamlSource): Promise<Scenario> {
  const base = ownFolder(source.file);
  const problems: SourceProblem[] = [];
  const attempt = async <T>(run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };

  const fileObjects: KubeObject[] = [];
  for (const [i, rel] of scenario.objectFiles.entries()) {
    const objects = await attempt(async () => {
      const text = readText(base, rel, source.problem(['objectFiles', i], `objectFiles.${i}: cannot read `));
      return Promise.resolve(parseObjectFile(resolve(base, rel), text));
    });
    if (objects) fileObjects.push(...objects);
  }

  const logs = [...scenario.logs];
  for (const [i, l] of scenario.logFiles.entries()) {
    const text = await attempt(() =>
      Promise.resolve(
        readText(base, l.file, source.problem(['logFiles', i, 'file'], `logFiles.${i}.file: cannot read `)),
      ),
    );
    if (text !== undefined)
      logs.push({
        namespace: l.namespace,
        pod: l.pod,
        container: l.container,
        previous: l.previous,
        lines: logLines(text),
      });
  }

  const hosts: Scenario['hosts'] = {};
  for (const [node, commands] of Object.entries(scenario.hosts)) {
    const out: Scenario['hosts'][string] = {};
    for (const [command, response] of Object.entries(commands)) {
      const list = Array.isArray(response) ? response : [response];
      const read = await Promise.all(
        list.map(async (r, j) => {
          if (r.file === undefined) return r;
          const path = Array.isArray(response) ? ['hosts', node, command, j, 'file'] : ['hosts', node, command, 'file'];
          if (r.stdout !== undefined) {
            problems.push(source.problem(path, `hosts.${node}."${command}": give stdout or file, not both`));
            return r;
          }
          const text = await attempt(() =>
            Promise.resolve(
              readText(base, r.file ?? '', source.problem(path, `hosts.${node}."${command}".file: cannot read `)),
            ),
          );
          const { file: _file, ...rest } = r;
          return { ...rest, stdout: text ?? '' };
        }),
      );
      out[command] = Array.isArray(response) ? read : (read[0] ?? response);
    }
    hosts[node] = out;
  }

  // A node's kernel log and service journals may be files too.
  const nodes: Scenario['cluster']['nodes'] = [];
  for (const [i, n] of scenario.cluster.nodes.entries()) {
    const read = async <T extends { stdout?: string | undefined; file?: string | undefined }>(
      r: T,
      path: (string | number)[],
    ): Promise<T> => {
      if (r.file === undefined) return r;
      const text = await attempt(() =>
        Promise.resolve(readText(base, r.file ?? '', source.problem(path, `${path.join('.')}: cannot read `))),
      );
      const { file: _file, ...rest } = r;
      return { ...rest, stdout: text ?? '' } as T;
    };
    const kernelLog = n.kernelLog ? await read(n.kernelLog, ['cluster', 'nodes', i, 'kernelLog', 'file']) : undefined;
    let journals: NonNullable<typeof n.journals> | undefined;
    if (n.journals) {
      journals = {};
      for (const [unit, r] of Object.entries(n.journals))
        if (r)
          journals[unit as keyof typeof journals] = await read(r, ['cluster', 'nodes', i, 'journals', unit, 'file']);
    }
    nodes.push({ ...n, ...(kernelLog ? { kernelLog } : {}), ...(journals ? { journals } : {}) });
  }

  if (problems.length > 0) throw new InputError(problems);
  return {
    ...scenario,
    cluster: { ...scenario.cluster, nodes },
    objects: [...fileObjects, ...scenario.objects],
    objectFiles: [],
    logs,
    logFiles: [],
    hosts,
  };
}
