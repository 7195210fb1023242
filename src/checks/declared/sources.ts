import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { KubeError, printable, statusError } from '../../kube/errors.js';
import { quoteArg, shellQuote } from '../../nodeaccess/quote.js';
import { NodeAccessError } from '../../nodeaccess/types.js';
import { durationMs } from '../../base/durations.js';
import type { CheckContext } from '../types.js';
import { rawOutput } from '../host/define.js';
import { toCel } from './cel.js';
import type { SourceShape } from './cel.js';
import type { HostSourceSpec, HttpSourceSpec, KubeSourceSpec, LogsSourceSpec } from './schema.js';

/** What a source read: the variables its rules see, and the output a person would have seen. */
export interface SourceRead {
  vars: Record<string, unknown>;
  /** For the transcript (host commands and HTTP bodies; API responses are recorded by runCheck). */
  raw?: string;
  evidence: { label: string; value: string }[];
}

/** A source with its templates filled in for one run. */
export type FilledSource =
  | {
      type: 'kube';
      spec: KubeSourceSpec;
      name?: string;
      namespace?: string;
      labelSelector?: string;
      fieldSelector?: string;
    }
  | { type: 'host'; spec: HostSourceSpec; node: string; argv: string[] }
  | {
      type: 'http';
      spec: HttpSourceSpec;
      url?: string;
      service?: string;
      namespace?: string;
      port?: string;
      path: string;
      headers: Record<string, string>;
    }
  | { type: 'logs'; spec: LogsSourceSpec; namespace: string; pod: string; container?: string };

export function shapeOf(
  source: { type: 'kube'; kube: KubeSourceSpec } | { type: Exclude<FilledSource['type'], 'kube'> },
): SourceShape {
  if (source.type === 'kube') return source.kube.name === undefined ? 'kube-list' : 'kube-get';
  return source.type;
}

const defaultHostTimeoutMs = 20_000;
const defaultHttpTimeoutMs = 10_000;
const maxBody = 64 * 1024;

/** The group and version of an apiVersion (`v1` is the core group). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

function apiBase(apiVersion: string): string {
  const { group, version } = splitApiVersion(apiVersion);
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/** The command a person types to see the same thing. */
export function sourceCommand(s: FilledSource): string {
  switch (s.type) {
    case 'kube': {
      const { group } = splitApiVersion(s.spec.apiVersion);
      const kind = group === '' ? s.spec.kind.toLowerCase() : `${s.spec.kind.toLowerCase()}.${group}`;
      const parts = ['kubectl', 'get', kind];
      if (s.name !== undefined) parts.push(quoteArg(s.name));
      if (s.namespace !== undefined) parts.push('-n', quoteArg(s.namespace));
      else if (s.name === undefined) parts.push('-A');
      if (s.labelSelector) parts.push('-l', quoteArg(s.labelSelector));
      if (s.fieldSelector) parts.push('--field-selector', quoteArg(s.fieldSelector));
      if (s.name === undefined) parts.push(`--chunk-size=${s.spec.limit}`);
      parts.push('-o', 'yaml');
      return parts.join(' ');
    }
    case 'host':
      return shellQuote(s.argv);
    case 'http':
      if (s.spec.from === 'cluster') return `kubectl get --raw ${quoteArg(proxyPath(s))}`;
      return [
        'curl',
        '-sS',
        '-i',
        '--max-time',
        String(Math.ceil(httpTimeout(s.spec) / 1000)),
        ...Object.entries(s.headers).flatMap(([k, v]) => ['-H', quoteArg(`${k}: ${v}`)]),
        quoteArg(s.url ?? ''),
      ].join(' ');
    case 'logs':
      return [
        'kubectl',
        'logs',
        '-n',
        quoteArg(s.namespace),
        quoteArg(s.pod),
        ...(s.container ? ['-c', quoteArg(s.container)] : []),
        ...(s.spec.previous ? ['--previous'] : []),
        `--tail=${s.spec.tailLines}`,
      ].join(' ');
  }
}

function httpTimeout(spec: HttpSourceSpec): number {
  return spec.timeout === undefined ? defaultHttpTimeoutMs : durationMs(spec.timeout);
}

/** The API server's service proxy path: the GET goes from inside the cluster's network, not from this machine. */
export function proxyPath(s: Extract<FilledSource, { type: 'http' }>): string {
  const path = s.path.startsWith('/') ? s.path : `/${s.path}`;
  const port = s.port === undefined || s.port === '' ? '' : `:${s.port}`;
  return `/api/v1/namespaces/${encodeURIComponent(s.namespace ?? '')}/services/${encodeURIComponent(s.service ?? '')}${port}/proxy${path}`;
}

export async function readSource(ctx: CheckContext, s: FilledSource): Promise<SourceRead> {
  switch (s.type) {
    case 'kube':
      return readKube(ctx, s);
    case 'host':
      return readHost(ctx, s);
    case 'http':
      return s.spec.from === 'cluster' ? readHttpProxy(ctx, s) : readHttpLocal(ctx, s);
    case 'logs':
      return readLogs(ctx, s);
  }
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** The resource (plural) a kind is served as, from the API's discovery: CRDs included, nothing hard-coded. */
async function resourceOf(ctx: CheckContext, apiVersion: string, kind: string): Promise<ApiResource> {
  const path = apiBase(apiVersion);
  const r = await ctx.kube.getRaw(path);
  if (r.status === 404)
    throw new KubeError(
      'not-found',
      `the API server does not serve ${apiVersion} (GET ${path} → 404): is its CRD installed, or the API group enabled?`,
      404,
    );
  if (r.status >= 300) throw statusError(r.status, safeJson(r.body));
  const list = safeJson(r.body) as { resources?: ApiResource[] } | undefined;
  const found = list?.resources?.find((x) => x.kind === kind && !x.name.includes('/'));
  if (!found)
    throw new KubeError(
      'not-found',
      `the API server serves no kind ${kind} in ${apiVersion} (it has: ${
        (list?.resources ?? [])
          .filter((x) => !x.name.includes('/'))
          .map((x) => x.kind)
          .join(', ') || 'none'
      })`,
      404,
    );
  return found;
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

async function readKube(ctx: CheckContext, s: Extract<FilledSource, { type: 'kube' }>): Promise<SourceRead> {
  const res = await resourceOf(ctx, s.spec.apiVersion, s.spec.kind);
  const ns =
    res.namespaced && s.namespace !== undefined && s.namespace !== ''
      ? `/namespaces/${encodeURIComponent(s.namespace)}`
      : '';
  const base = `${apiBase(s.spec.apiVersion)}${ns}/${res.name}`;
  if (s.name !== undefined) {
    const r = await ctx.kube.getRaw(`${base}/${encodeURIComponent(s.name)}`);
    if (r.status === 404)
      return {
        vars: { object: null, found: false },
        evidence: [{ label: s.spec.kind, value: `${s.name} not found${ns ? ` in ${s.namespace ?? ''}` : ''}` }],
      };
    if (r.status >= 300) throw statusError(r.status, safeJson(r.body));
    return { vars: { object: toCel(safeJson(r.body) ?? null), found: true }, evidence: [] };
  }
  const q = new URLSearchParams({ limit: String(s.spec.limit) });
  if (s.labelSelector) q.set('labelSelector', s.labelSelector);
  if (s.fieldSelector) q.set('fieldSelector', s.fieldSelector);
  const r = await ctx.kube.getRaw(`${base}?${q.toString()}`);
  if (r.status >= 300) throw statusError(r.status, safeJson(r.body));
  const list = safeJson(r.body) as { items?: unknown[]; metadata?: { continue?: string } } | undefined;
  if (!list || !Array.isArray(list.items)) throw new KubeError('malformed', `GET ${base} did not answer with a list`);
  const items = list.items.slice(0, s.spec.limit);
  return {
    vars: { items: toCel(items), count: BigInt(items.length), truncated: Boolean(list.metadata?.continue) },
    evidence: [],
  };
}

async function readHost(ctx: CheckContext, s: Extract<FilledSource, { type: 'host' }>): Promise<SourceRead> {
  const timeoutMs = s.spec.timeout === undefined ? defaultHostTimeoutMs : durationMs(s.spec.timeout);
  const r = await ctx.nodes.run(s.node, s.argv, { timeoutMs, signal: ctx.signal });
  if (r.timedOut)
    throw new NodeAccessError(
      'timeout',
      `${shellQuote(s.argv)} did not finish on ${s.node} within ${timeoutMs / 1000}s`,
    );
  const lines = r.stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return {
    vars: { stdout: r.stdout, stderr: r.stderr, exitCode: BigInt(r.exitCode ?? -1), lines },
    raw: rawOutput([r]),
    evidence: [],
  };
}

async function readHttpProxy(ctx: CheckContext, s: Extract<FilledSource, { type: 'http' }>): Promise<SourceRead> {
  const path = proxyPath(s);
  const started = performance.now();
  const r = await ctx.kube.getRaw(path);
  const latencyMs = Math.round(performance.now() - started);
  const body = r.body.length > maxBody ? r.body.slice(0, maxBody) : r.body;
  return {
    // The API server's proxy answer carries no headers through getRaw: rules see an empty map.
    vars: {
      status: BigInt(r.status),
      headers: {},
      body,
      json: toCel(safeJson(body) ?? null),
      latencyMs: BigInt(latencyMs),
    },
    evidence: [],
  };
}

function readHttpLocal(ctx: CheckContext, s: Extract<FilledSource, { type: 'http' }>): Promise<SourceRead> {
  let url: URL;
  try {
    url = new URL(s.url ?? '');
  } catch {
    return Promise.reject(new HttpError(`${JSON.stringify(s.url ?? '')} is not a URL`, 'bad-url'));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return Promise.reject(new HttpError(`${url.href} is not an http(s) URL`, 'bad-url'));
  const timeoutMs = httpTimeout(s.spec);
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
  const started = performance.now();
  return new Promise<SourceRead>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'GET', headers: { 'User-Agent': 'plumbline', ...s.headers }, signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < maxBody) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const latencyMs = Math.round(performance.now() - started);
        const body = Buffer.concat(chunks).subarray(0, maxBody).toString('utf8');
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        const head = [
          `HTTP/${res.httpVersion} ${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trimEnd(),
          ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        ].join('\n');
        resolve({
          vars: {
            status: BigInt(res.statusCode ?? 0),
            headers,
            body,
            json: toCel(safeJson(body) ?? null),
            latencyMs: BigInt(latencyMs),
          },
          raw: `${head}\n\n${body}${size > maxBody ? `\n--- body cut at ${maxBody} bytes of ${size} ---` : ''}`,
          evidence: [],
        });
      });
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const why =
        signal.aborted && !ctx.signal.aborted
          ? `no answer within ${timeoutMs / 1000}s`
          : printable(err.code ? `${err.code}: ${err.message}` : err.message, 200);
      reject(
        new HttpError(
          `GET ${url.href} failed: ${why}`,
          signal.aborted && !ctx.signal.aborted ? 'timeout' : 'unreachable',
        ),
      );
    });
    req.end();
  });
}

/** An HTTP GET that got no answer at all: the check's error outcome, with why. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'unreachable' | 'bad-url',
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

async function readLogs(ctx: CheckContext, s: Extract<FilledSource, { type: 'logs' }>): Promise<SourceRead> {
  const text = await ctx.kube.readPodLog(s.namespace, s.pod, {
    container: s.container,
    previous: s.spec.previous,
    tailLines: s.spec.tailLines,
    limitBytes: 1024 * 1024,
  });
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return { vars: { lines, text }, raw: text, evidence: [] };
}
