import type { ContainerLog, KubeObject } from '../types.js';
import { asArray, asObject, asString, at } from './json.js';
import type { Json } from './json.js';
import { ApiError, badRequest } from './status.js';

/**
 * The pod `log` subresource: the apiserver's container validation, then the
 * kubelet's (validateContainerLogStatus) with its error wording, then the
 * kubelet's filters: sinceTime/sinceSeconds, tailLines, timestamps, limitBytes.
 */

export interface LogOptions {
  container?: string;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: number;
  limitBytes?: number;
}

/** Container logs by pod and container; `previous` is the instance before the last restart. */
export class LogStore {
  private readonly logs = new Map<string, string[]>();

  constructor(
    logs: ContainerLog[],
    /** Logs not given were never collected: reading one fails instead of giving no lines. */
    readonly notCollected = false,
  ) {
    for (const l of logs) this.logs.set(LogStore.key(l.namespace, l.pod, l.container, l.previous === true), l.lines);
  }

  /** The lines, or undefined when the log was not collected. */
  lines(namespace: string, pod: string, container: string, previous: boolean): string[] | undefined {
    return this.logs.get(LogStore.key(namespace, pod, container, previous)) ?? (this.notCollected ? undefined : []);
  }

  private static key(namespace: string, pod: string, container: string, previous: boolean): string {
    return `${namespace}/${pod}/${container}/${previous ? 'previous' : 'current'}`;
  }
}

function parseBool(name: string, value: string | null): boolean {
  if (value === null) return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False', ''].includes(value)) return false;
  throw badRequest(`${name}: strconv.ParseBool: parsing "${value}": invalid syntax`);
}

function parseInteger(name: string, value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^[+-]?\d+$/.test(value)) throw badRequest(`${name}: strconv.ParseInt: parsing "${value}": invalid syntax`);
  return Number(value);
}

function invalid(pod: string, problems: string[]): ApiError {
  return new ApiError(
    422,
    'Invalid',
    `PodLogOptions "${pod}" is invalid: ${problems.length > 1 ? `[${problems.join(', ')}]` : problems[0]}`,
    {
      name: pod,
      kind: 'PodLogOptions',
    },
  );
}

/** Decodes and validates PodLogOptions from the query, as the apiserver does before asking the kubelet. */
export function parseLogOptions(pod: string, query: URLSearchParams): LogOptions {
  const opts: LogOptions = {
    previous: parseBool('previous', query.get('previous')),
    timestamps: parseBool('timestamps', query.get('timestamps')),
  };
  const container = query.get('container');
  if (container) opts.container = container;
  const tailLines = parseInteger('tailLines', query.get('tailLines'));
  const sinceSeconds = parseInteger('sinceSeconds', query.get('sinceSeconds'));
  const limitBytes = parseInteger('limitBytes', query.get('limitBytes'));
  const sinceTimeText = query.get('sinceTime');
  const problems: string[] = [];
  if (tailLines !== undefined) {
    if (tailLines < 0) problems.push(`tailLines: Invalid value: ${tailLines}: must be greater than or equal to 0`);
    opts.tailLines = tailLines;
  }
  if (limitBytes !== undefined) {
    if (limitBytes < 1) problems.push(`limitBytes: Invalid value: ${limitBytes}: must be greater than 0`);
    opts.limitBytes = limitBytes;
  }
  if (sinceSeconds !== undefined) {
    if (sinceSeconds < 1) problems.push(`sinceSeconds: Invalid value: ${sinceSeconds}: must be greater than 0`);
    opts.sinceSeconds = sinceSeconds;
  }
  if (sinceTimeText) {
    const t = Date.parse(sinceTimeText);
    if (Number.isNaN(t))
      throw badRequest(`sinceTime: parsing time "${sinceTimeText}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
    opts.sinceTime = t;
  }
  if (sinceSeconds !== undefined && sinceTimeText)
    problems.push('sinceSeconds: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified');
  if (problems.length > 0) throw invalid(pod, problems);
  return opts;
}

/** The apiserver's validateContainer: default to the only container, else name the choices. */
export function chooseContainer(pod: KubeObject, requested: string | undefined): string {
  const spec = asObject(pod.spec);
  const containers = asArray(spec.containers).map((c) => asString(c.name));
  const all = [...asArray(spec.initContainers), ...asArray(spec.containers), ...asArray(spec.ephemeralContainers)].map(
    (c) => asString(c.name),
  );
  const name = pod.metadata.name;
  if (!requested) {
    if (containers.length === 1) return containers[0] ?? '';
    if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
  }
  if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

function containerStatus(pod: KubeObject, container: string): Json | undefined {
  const status = asObject(pod.status);
  return [
    ...asArray(status.initContainerStatuses),
    ...asArray(status.containerStatuses),
    ...asArray(status.ephemeralContainerStatuses),
  ].find((s) => asString(s.name) === container);
}

/**
 * The kubelet's refusal for a container with no logs to give, in its words
 * (kubectl prints them as `Error from server (BadRequest): ...`).
 */
function checkContainerState(pod: KubeObject, container: string, previous: boolean): void {
  const podName = pod.metadata.name;
  const status = containerStatus(pod, container);
  if (!status) throw badRequest(`container "${container}" in pod "${podName}" is not available`);
  const state = asObject(status.state);
  const lastTerminated = at(status, 'lastState', 'terminated');
  if (previous) {
    if (lastTerminated === undefined)
      throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
    return;
  }
  if (state.running !== undefined || state.terminated !== undefined || lastTerminated !== undefined) return;
  if (state.waiting !== undefined) {
    const reason = asString(at(state, 'waiting', 'reason'));
    if (reason === 'ErrImagePull')
      throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: image can't be pulled`);
    if (reason === 'ImagePullBackOff')
      throw badRequest(
        `container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image`,
      );
    throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${reason}`);
  }
  throw badRequest(`container "${container}" in pod "${podName}" is waiting to start - no logs yet`);
}

/**
 * A log nobody collected, refused as the apiserver refuses one when it cannot
 * reach the kubelet: a 500 whose message is the failed kubelet request
 * (kubectl prints `Error from server: Get "https://…:10250/containerLogs/…": …`).
 */
function notCollected(pod: KubeObject, namespace: string, container: string, previous: boolean): ApiError {
  const status = asObject(pod.status);
  const host = asString(status.hostIP) || asString(asObject(pod.spec).nodeName);
  const url = `https://${host}:10250/containerLogs/${namespace}/${pod.metadata.name}/${container}${previous ? '?previous=true' : ''}`;
  return new ApiError(
    500,
    '',
    `Get "${url}": not collected in this scenario: the ${previous ? 'previous ' : ''}log of container ${container} was not pasted`,
  );
}

const timestamped = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) (.*)$/s;

/** A line of the file the runtime writes (/var/log/pods/...): time, stream, F (full) or P (partial), the text. */
const criLine = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) (?:stdout|stderr) ([FP]) (.*)$/s;

interface LogEntry {
  time: number;
  stamp: string;
  text: string;
}

/**
 * A log's lines as the kubelet serves them. A line pasted from the runtime's own
 * file (`<time> stderr F <text>`, containerd's and CRI-O's form) is served as its
 * text, as the kubelet reads that file for `kubectl logs`, and partial lines (P)
 * are joined to the line they continue.
 */
function logEntries(stored: readonly string[]): LogEntry[] {
  const entries: LogEntry[] = [];
  let partial: LogEntry | undefined;
  for (const line of stored) {
    const cri = criLine.exec(line);
    if (cri) {
      const piece = { time: Date.parse(cri[1] ?? ''), stamp: cri[1] ?? '', text: cri[3] ?? '' };
      const entry = partial ? { ...partial, text: partial.text + piece.text } : piece;
      partial = cri[2] === 'P' ? entry : undefined;
      if (!partial) entries.push(entry);
      continue;
    }
    if (partial) entries.push(partial);
    partial = undefined;
    const m = timestamped.exec(line);
    entries.push(
      m
        ? { time: Date.parse(m[1] ?? ''), stamp: m[1] ?? '', text: m[2] ?? '' }
        : { time: Number.NaN, stamp: '', text: line },
    );
  }
  if (partial) entries.push(partial);
  return entries;
}

/** The log text for a pod's container, or the error a real cluster gives instead. */
export function readLog(pod: KubeObject, logs: LogStore, opts: LogOptions, now: Date): string {
  const container = chooseContainer(pod, opts.container);
  // An unscheduled pod has no kubelet to ask: the apiserver answers with an empty stream.
  if (!asString(asObject(pod.spec).nodeName)) return '';
  checkContainerState(pod, container, opts.previous);

  const namespace = pod.metadata.namespace ?? '';
  const stored = logs.lines(namespace, pod.metadata.name, container, opts.previous);
  if (stored === undefined) throw notCollected(pod, namespace, container, opts.previous);
  let entries = logEntries(stored);
  const since =
    opts.sinceTime ?? (opts.sinceSeconds !== undefined ? now.getTime() - opts.sinceSeconds * 1000 : undefined);
  // Lines without a timestamp cannot be placed in time, so a time filter keeps them.
  if (since !== undefined) entries = entries.filter((e) => Number.isNaN(e.time) || e.time >= since);
  if (opts.tailLines !== undefined) entries = opts.tailLines === 0 ? [] : entries.slice(-opts.tailLines);
  let text = entries.map((e) => (opts.timestamps && e.stamp ? `${e.stamp} ${e.text}` : e.text) + '\n').join('');
  if (opts.limitBytes !== undefined) {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > opts.limitBytes) text = bytes.subarray(0, opts.limitBytes).toString('utf8');
  }
  return text;
}
