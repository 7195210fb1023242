import type { Layer } from '../checks/types.js';
import type { RecordedResponse } from '../kube/client.js';
import { maxLine } from './pattern.js';
import type { Signal } from './types.js';

/** Enough for any one check's reading; a node's pod list on a huge cluster is not read line by line past it. */
const maxPerCheck = 2000;

/**
 * The signals in what one check read: Events, pod and node status, container
 * logs and API error replies in its API responses; every line of a host
 * command's output. Read whatever the check's outcome needed, so an error the
 * runbook does not branch on is still seen.
 */
export function signalsOf(
  check: { id: string; layer: Layer },
  params: Record<string, unknown>,
  responses: readonly RecordedResponse[] | undefined,
  hostOutput: string | undefined,
): Signal[] {
  const out = new SignalSet();
  if (check.layer === 'host' && hostOutput !== undefined) {
    const node = typeof params.node === 'string' ? params.node : undefined;
    hostSignals(out, hostOutput, `${check.id}${node ? ` on ${node}` : ''}`);
  }
  for (const r of responses ?? []) responseSignals(out, r);
  // The error a person pasted from the page (control-plane-slow's --set error=...) is an API error reply the walk did not fetch itself.
  if (check.id === 'cluster.page-error' && typeof params.error === 'string' && params.error.trim() !== '') {
    for (const line of params.error.split('\n'))
      if (line.trim())
        out.add({ kind: 'api', layer: 'cluster', source: 'the error on the page', text: line.trim(), severity: 2 });
  }
  return out.list;
}

class SignalSet {
  readonly list: Signal[] = [];
  private readonly keys = new Set<string>();
  add(s: Signal): void {
    if (this.list.length >= maxPerCheck) return;
    const text = s.text.length > maxLine ? s.text.slice(0, maxLine) : s.text;
    const key = `${s.kind}\0${s.source}\0${s.reason ?? ''}\0${text}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.list.push({ ...s, text });
  }
}

/** Merges signals from several checks, each line once. */
export function mergeSignals(into: Signal[], more: readonly Signal[]): void {
  const keys = new Set(into.map((s) => `${s.kind}\0${s.source}\0${s.reason ?? ''}\0${s.text}`));
  for (const s of more) {
    const key = `${s.kind}\0${s.source}\0${s.reason ?? ''}\0${s.text}`;
    if (keys.has(key)) continue;
    keys.add(key);
    into.push(s);
  }
}

/** How anomalous a log or journal line reads: 3 fatal, 2 error, 1 warning, 0 not. */
export function lineSeverity(line: string): number {
  if (
    /\bpanic:|\bfatal error:|^F\d{4} |level=fatal|"level":"fatal"|\bFATAL\b|kernel BUG|\bOops\b|segfault|Out of memory|oom-kill|invoked oom-killer|EXT4-fs error|I\/O error|blocked for more than|Remounting filesystem read-only/.test(
      line,
    )
  )
    return 3;
  if (
    /^E\d{4} |\bE\d{4} \d\d:\d\d|level=error|"level":"error"|\bERROR\b|\berror\b|\bfailed\b|\bfailure\b|permission denied|\brefused\b|timed out|\bunable to\b|\bcannot\b|\bcan't\b|no such file|not found/i.test(
      line,
    )
  )
    return 2;
  if (/^W\d{4} |\bW\d{4} \d\d:\d\d|level=warn|"level":"warn|\bWARN(ING)?\b/.test(line)) return 1;
  return 0;
}

function hostSignals(out: SignalSet, text: string, source: string): void {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    out.add({ kind: 'host', layer: 'host', source, text: line, severity: lineSeverity(line) });
  }
}

function responseSignals(out: SignalSet, r: RecordedResponse): void {
  const path = r.path.split('?')[0] ?? r.path;
  const isLog = /\/pods\/[^/]+\/log$/.test(path);
  if (isLog && r.status < 400) {
    logSignals(out, r.body, logSource(r.path));
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(r.body);
  } catch {
    return;
  }
  if (!isObject(body)) return;
  if (r.status >= 400) {
    // A 404 is how a check learns that something optional is absent, and a log that could not be fetched is
    // something not seen (the check says so): neither is an anomaly by itself.
    if (body.kind === 'Status' && typeof body.message === 'string') {
      out.add({
        kind: 'api',
        layer: 'cluster',
        source: `API ${r.method} ${path} → ${r.status}`,
        text: body.message,
        ...(typeof body.reason === 'string' ? { reason: body.reason } : {}),
        severity: r.status === 404 || isLog ? 0 : 2,
      });
    }
    return;
  }
  const items = Array.isArray(body.items) ? body.items : [body];
  const listKind = typeof body.kind === 'string' ? body.kind.replace(/List$/, '') : undefined;
  for (const item of items) {
    if (!isObject(item)) continue;
    const kind = typeof item.kind === 'string' ? item.kind : listKind;
    if (kind === 'Event') eventSignal(out, item);
    else if (kind === 'Pod') podSignals(out, item);
    else if (kind === 'Node') nodeSignals(out, item);
  }
}

function logSource(path: string): string {
  const m = /\/namespaces\/([^/]+)\/pods\/([^/]+)\/log/.exec(path);
  const container = /[?&]container=([^&]+)/.exec(path)?.[1];
  const previous = /[?&]previous=true/.test(path);
  return `log of ${m ? `${m[1]}/${m[2]}` : 'a pod'}${container ? ` (${decodeURIComponent(container)}${previous ? ', previous' : ''})` : previous ? ' (previous)' : ''}`;
}

/** Container log lines; a Go panic keeps the first frame outside the runtime (the code that panicked). */
export function logSignals(out: { add(s: Signal): void }, body: string, source: string): void {
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    let text = line;
    if (/^panic: /.test(line)) {
      const frame = panicFrame(lines, i + 1);
      if (frame) text = `${line} [at ${frame}]`;
    }
    out.add({ kind: 'log', layer: 'pod', source, text, severity: lineSeverity(line) });
  }
}

function panicFrame(lines: readonly string[], from: number): string | undefined {
  const end = Math.min(lines.length, from + 200);
  let inGoroutine = false;
  for (let i = from; i < end; i++) {
    const l = (lines[i] ?? '').trim();
    if (/^goroutine \d+ \[/.test(l)) {
      inGoroutine = true;
      continue;
    }
    if (!inGoroutine || l === '' || l.startsWith('/') || l.startsWith('panic(') || l.startsWith('runtime.')) continue;
    const file = (lines[i + 1] ?? '').trim().replace(/ \+0x[0-9a-f]+$/, '');
    return file.startsWith('/') ? `${l.replace(/\(0x[^)]*\)$/, '(...)')} ${file}` : l;
  }
  return undefined;
}

function eventSignal(out: SignalSet, e: Record<string, unknown>): void {
  const regarding: Record<string, unknown> = isObject(e.involvedObject)
    ? e.involvedObject
    : isObject(e.regarding)
      ? e.regarding
      : {};
  const message = typeof e.message === 'string' ? e.message : typeof e.note === 'string' ? e.note : '';
  const reason = typeof e.reason === 'string' ? e.reason : undefined;
  const objKind = typeof regarding.kind === 'string' ? regarding.kind : 'object';
  const name = [regarding.namespace, regarding.name].filter((x) => typeof x === 'string' && x !== '').join('/');
  const layer: Layer = objKind === 'Pod' ? 'pod' : objKind === 'Node' ? 'node' : 'cluster';
  out.add({
    kind: 'event',
    layer,
    source: `${str(e.type, 'Event')} event on ${objKind.toLowerCase()} ${name}`,
    text: message,
    ...(reason ? { reason } : {}),
    severity: e.type === 'Warning' ? 2 : 0,
  });
}

function podSignals(out: SignalSet, pod: Record<string, unknown>): void {
  const meta = isObject(pod.metadata) ? pod.metadata : {};
  const name = `${str(meta.namespace)}/${str(meta.name)}`;
  const status = isObject(pod.status) ? pod.status : {};
  if (typeof status.reason === 'string' || typeof status.message === 'string') {
    out.add({
      kind: 'status',
      layer: 'pod',
      source: `status of pod ${name}`,
      text: String(status.message ?? status.reason),
      ...(typeof status.reason === 'string' ? { reason: status.reason } : {}),
      severity: 2,
    });
  }
  for (const c of Array.isArray(status.conditions) ? status.conditions : []) {
    if (isObject(c) && c.status === 'False' && typeof c.message === 'string') {
      out.add({
        kind: 'status',
        layer: 'pod',
        source: `condition ${String(c.type)} of pod ${name}`,
        text: c.message,
        ...(typeof c.reason === 'string' ? { reason: c.reason } : {}),
        severity: 0,
      });
    }
  }
  const containers: unknown[] = [...list(status.initContainerStatuses), ...list(status.containerStatuses)];
  for (const c of containers) {
    if (!isObject(c)) continue;
    const where = `container ${String(c.name)} of pod ${name}`;
    const state = isObject(c.state) ? c.state : {};
    const last = isObject(c.lastState) ? c.lastState : {};
    if (
      isObject(state.waiting) &&
      typeof state.waiting.reason === 'string' &&
      !['ContainerCreating', 'PodInitializing'].includes(state.waiting.reason)
    ) {
      out.add({
        kind: 'status',
        layer: 'pod',
        source: where,
        text: typeof state.waiting.message === 'string' ? state.waiting.message : state.waiting.reason,
        reason: state.waiting.reason,
        severity: 2,
      });
    }
    for (const t of [state.terminated, last.terminated]) {
      if (!isObject(t) || typeof t.exitCode !== 'number') continue;
      const reason = typeof t.reason === 'string' ? t.reason : undefined;
      const text = `${reason ?? 'Terminated'}, exit code ${t.exitCode}${typeof t.signal === 'number' ? `, signal ${t.signal}` : ''}${typeof t.message === 'string' && t.message !== '' ? `: ${t.message.trim()}` : ''}`;
      out.add({
        kind: 'termination',
        layer: 'pod',
        source: where,
        text,
        exitCode: t.exitCode,
        ...(reason ? { reason } : {}),
        severity: t.exitCode === 0 && reason !== 'OOMKilled' ? 0 : 2,
      });
      // A termination message is what the program wrote to /dev/termination-log: its lines are the container's last words.
      if (typeof t.message === 'string')
        for (const line of t.message.split('\n').slice(0, 50))
          if (line.trim())
            out.add({
              kind: 'log',
              layer: 'pod',
              source: `termination message of ${where}`,
              text: line.trim(),
              severity: lineSeverity(line),
            });
    }
  }
}

const badWhenTrue = new Set(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable']);

function nodeSignals(out: SignalSet, node: Record<string, unknown>): void {
  const meta = isObject(node.metadata) ? node.metadata : {};
  const name = str(meta.name);
  const status = isObject(node.status) ? node.status : {};
  for (const c of Array.isArray(status.conditions) ? status.conditions : []) {
    if (!isObject(c) || typeof c.type !== 'string') continue;
    const bad =
      c.type === 'Ready'
        ? c.status !== 'True'
        : badWhenTrue.has(c.type)
          ? c.status === 'True'
          : c.status === 'True' &&
            !['Ready'].includes(c.type) &&
            /Problem|Corrupt|Fail|Deadlock|ReadOnly|Hung|Frequent/i.test(c.type);
    if (!bad) continue;
    out.add({
      kind: 'condition',
      layer: 'node',
      source: `condition ${c.type} of node ${name}`,
      text: `${c.type}=${str(c.status)} ${str(c.reason)}: ${str(c.message)}`,
      ...(typeof c.reason === 'string' ? { reason: c.reason } : {}),
      severity: 2,
    });
  }
  const info = isObject(status.nodeInfo) ? status.nodeInfo : undefined;
  if (info) {
    const parts = [
      ['architecture', info.architecture],
      ['os', info.operatingSystem],
      ['kernel', info.kernelVersion],
      ['osImage', info.osImage],
      ['runtime', info.containerRuntimeVersion],
      ['kubelet', info.kubeletVersion],
    ]
      .filter(([, v]) => typeof v === 'string' && v !== '')
      .map(([k, v]) => `${String(k)}=${String(v)}`);
    if (parts.length > 0)
      out.add({ kind: 'arch', layer: 'node', source: `node ${name}`, text: parts.join(' '), severity: 0 });
  }
}

/** A field as text: a string as is, anything else (absent, a number, an object) as the fallback. */
function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : fallback;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? (v as unknown[]) : [];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
