import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type {
  CoreV1Event,
  KubeConfig,
  V1CertificateSigningRequest,
  V1APIService,
  V1ConfigMap,
  V1DaemonSet,
  V1Deployment,
  V1Endpoints,
  V1Job,
  V1Lease,
  V1Node,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1MutatingWebhookConfiguration,
  V1ReplicaSet,
  V1Service,
  V1StatefulSet,
  V1ValidatingWebhookConfiguration,
  V1VolumeAttachment,
} from '@kubernetes/client-node';
import type { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import type { LoadedKubeConfig } from './config.js';
import { KubeError, printable, statusError, toKubeError } from './errors.js';
import { itemKind, shapeProblem } from './shape.js';

export interface ListOptions {
  namespace?: string | undefined;
  fieldSelector?: string | undefined;
  labelSelector?: string | undefined;
  /** Page size; lists are always paged with `limit`/`continue` so a big cluster costs the same. */
  pageSize?: number;
  /** Stop after this many items (a check never needs an unbounded list). */
  maxItems?: number;
}

interface Page<T> {
  items: T[];
  metadata?: { _continue?: string };
}

export interface PodLogOptions {
  container?: string | undefined;
  /** The instance before the last restart (`kubectl logs --previous`). */
  previous?: boolean;
  tailLines?: number;
  /** Prefix each line with the kubelet's RFC3339 timestamp. */
  timestamps?: boolean;
  /** A cap on the bytes read, so one chatty container cannot flood a check. */
  limitBytes?: number;
}

/** A non-resource answer (`/livez`, `/readyz?verbose`) as `kubectl get --raw` sees it. */
export interface RawResponse {
  status: number;
  body: string;
  /** The body as it came, for a binary answer (a pprof profile); set by getBytes. */
  bytes?: Buffer;
  /** How many times it was sent again after a Retry-After (429, 5xx). */
  retries?: number;
  /** The answer's Content-Type header, when it had one. */
  contentType?: string;
}

type Method = 'GET' | 'POST' | 'DELETE' | 'PATCH';

/** Where the API server listens and the TLS trust the kubeconfig gives it (its CA, server name, skip-verify). */
export interface ServerTls {
  host: string;
  port: number;
  options: ConnectionOptions;
}

/** The resources an action may patch, and where the API serves them. */
export type PatchableResource =
  'pod' | 'deployment' | 'statefulset' | 'daemonset' | 'replicaset' | 'node' | 'service' | 'configmap';

const patchable: Record<PatchableResource, { group: string; plural: string; namespaced: boolean }> = {
  pod: { group: '', plural: 'pods', namespaced: true },
  deployment: { group: 'apps', plural: 'deployments', namespaced: true },
  statefulset: { group: 'apps', plural: 'statefulsets', namespaced: true },
  daemonset: { group: 'apps', plural: 'daemonsets', namespaced: true },
  replicaset: { group: 'apps', plural: 'replicasets', namespaced: true },
  node: { group: '', plural: 'nodes', namespaced: false },
  service: { group: '', plural: 'services', namespaced: true },
  configmap: { group: '', plural: 'configmaps', namespaced: true },
};

const patchContentTypes = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
} as const;

/**
 * Retry-After as client-go honours it (rest/request.go checkWait, with_retry.go):
 * a 429, or a 5xx carrying an integer Retry-After, is sent again after that many
 * seconds. client-go tries up to 10 times and waits as long as the server says;
 * a person is waiting on a walk, so plumbline retries at most 3 times and waits
 * at most 5 s each time: never forever.
 */
const maxRetries = 3;
const maxRetryWaitSeconds = 5;

/** Seconds to wait before sending again, when the answer asks for it; undefined: do not retry. */
export function retryAfterSeconds(status: number, header: unknown): number | undefined {
  if (status !== 429 && status < 500) return undefined;
  const value = Array.isArray(header) ? (header[0] as unknown) : header;
  if (typeof value !== 'string' || !/^\s*\d{1,9}\s*$/.test(value)) return undefined;
  return Math.min(Number(value), maxRetryWaitSeconds);
}

/** A failure after retries says so: the server was asked again, as it asked to be. */
function afterRetries(err: KubeError, retries: number): KubeError {
  if (retries === 0) return err;
  return new KubeError(
    err.kind,
    `${err.message} (asked ${retries + 1} times, waiting as its Retry-After said each time)`,
    err.status,
  );
}

/** Waits, unless the signal aborts first: false then. */
function pause(seconds: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (waited: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(waited);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), seconds * 1000);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const defaultPageSize = 500;
const defaultMaxItems = 5000;

/**
 * client-node gives each cluster and user one agent, without keep-alive: every request paid a new TCP and TLS
 * handshake (a round trip or two more each on a remote cluster; a sixth of a drill walk's CPU on loopback).
 * Requests go through a keep-alive twin of that agent, with its TLS options; a proxy's agent is left as it is.
 * A connection idle for idleMs is closed by this side, long before any server or load balancer closes an idle
 * one (kube-apiserver after 90 s, cloud load balancers after 60 s or more): a request is never sent on a
 * connection the other end has just dropped, which would read as an unreachable server.
 */
const idleMs = 2_000;
const keptAlive = new WeakMap<HttpAgent, HttpAgent>();
function keepAliveTwin(agent: unknown): HttpAgent | undefined {
  if (!(agent instanceof HttpAgent)) return undefined;
  const Plain = agent.constructor === HttpsAgent ? HttpsAgent : agent.constructor === HttpAgent ? HttpAgent : undefined;
  if (!Plain) return undefined;
  let twin = keptAlive.get(agent);
  if (!twin) {
    twin = new Plain({ ...(agent as HttpsAgent).options, keepAlive: true, timeout: idleMs });
    keptAlive.set(agent, twin);
  }
  return twin;
}

/**
 * The Kubernetes reads plumbline's checks make: typed, paged, cancellable, and
 * every failure turned into a KubeError a check can branch on.
 */
/** What a client has asked of the API: requests sent and response bytes (Content-Length) read. */
export interface ApiStats {
  requests: number;
  bytes: number;
}

/** One API answer a check read: the request, its status and the body as it came. */
export interface RecordedResponse {
  method: string;
  /** Path and query, as sent (`/api/v1/namespaces/shop/pods?limit=500`). */
  path: string;
  status: number;
  body: string;
}

/**
 * client-node's generated API classes (15 MB of code, ~0.5 s and ~70 MiB to load)
 * are not loaded at all: each read is a plain request with the kubeconfig's
 * credentials and TLS (KubeConfig.applyToHTTPSOptions, which runs its auth
 * providers and exec plugins), and the answer goes through client-node's own
 * ObjectSerializer, so checks get the same typed objects (Dates included).
 */
type Serializer = typeof ObjectSerializer;
let serializer: Promise<Serializer> | undefined;
function loadSerializer(): Promise<Serializer> {
  serializer ??= import('@kubernetes/client-node/dist/gen/models/ObjectSerializer.js').then((m) => m.ObjectSerializer);
  return serializer;
}

/** A query string in the order client-node's generated calls build it (recorded paths stay the same). */
function query(params: [string, string | number | boolean | undefined][]): string {
  const q = new URLSearchParams();
  for (const [k, v] of params) if (v !== undefined && v !== false) q.append(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

const seg = encodeURIComponent;
const inNamespace = (namespace: string, plural: string, name?: string) =>
  `/namespaces/${seg(namespace)}/${plural}${name === undefined ? '' : `/${seg(name)}`}`;

export class KubeClient {
  private constructor(
    private readonly objects: Serializer,
    readonly server: string,
    readonly contextName: string,
    private readonly kc: KubeConfig,
    /** Shared by every client derived from this one (withSignal), so a walk's cost adds up. */
    private readonly stats: ApiStats,
    private readonly signal?: AbortSignal,
    /** Where a recording client keeps every response it reads; none (no cost) otherwise. */
    private readonly recorder?: RecordedResponse[],
  ) {}

  /** Requests and bytes so far, for `--output json` and the benchmark. */
  get apiStats(): Readonly<ApiStats> {
    return { ...this.stats };
  }

  static async create(config: LoadedKubeConfig): Promise<KubeClient> {
    return new KubeClient(await loadSerializer(), config.server, config.contextName, config.kc, {
      requests: 0,
      bytes: 0,
    });
  }

  /** The same client, with every request cancelled when `signal` aborts. */
  withSignal(signal: AbortSignal): KubeClient {
    return new KubeClient(this.objects, this.server, this.contextName, this.kc, this.stats, signal, this.recorder);
  }

  /** The same client, also appending every response it reads to `into`: a check's raw output. */
  recording(into: RecordedResponse[]): KubeClient {
    return new KubeClient(this.objects, this.server, this.contextName, this.kc, this.stats, this.signal, into);
  }

  /** `kubectl create` of one pod (the node test pod): the created object. */
  createPod(namespace: string, body: V1Pod): Promise<V1Pod> {
    return this.typed('POST', `/api/v1${inNamespace(namespace, 'pods')}`, 'V1Pod', body);
  }

  readPod(namespace: string, name: string): Promise<V1Pod> {
    return this.typed('GET', `/api/v1${inNamespace(namespace, 'pods', name)}`, 'V1Pod');
  }

  readNode(name: string): Promise<V1Node> {
    return this.typed('GET', `/api/v1/nodes/${seg(name)}`, 'V1Node');
  }

  readLease(namespace: string, name: string): Promise<V1Lease> {
    return this.typed('GET', `/apis/coordination.k8s.io/v1${inNamespace(namespace, 'leases', name)}`, 'V1Lease');
  }

  /** A container's log text, as `kubectl logs` prints it. */
  readPodLog(namespace: string, name: string, opts: PodLogOptions = {}): Promise<string> {
    const q = query([
      ['container', opts.container || undefined],
      ['limitBytes', opts.limitBytes],
      ['previous', opts.previous],
      ['tailLines', opts.tailLines],
      ['timestamps', opts.timestamps],
    ]);
    return this.typed('GET', `/api/v1${inNamespace(namespace, 'pods', name)}/log${q}`, 'string');
  }

  readPvc(namespace: string, name: string): Promise<V1PersistentVolumeClaim> {
    return this.typed(
      'GET',
      `/api/v1${inNamespace(namespace, 'persistentvolumeclaims', name)}`,
      'V1PersistentVolumeClaim',
    );
  }

  readPv(name: string): Promise<V1PersistentVolume> {
    return this.typed('GET', `/api/v1/persistentvolumes/${seg(name)}`, 'V1PersistentVolume');
  }

  readReplicaSet(namespace: string, name: string): Promise<V1ReplicaSet> {
    return this.typed('GET', `/apis/apps/v1${inNamespace(namespace, 'replicasets', name)}`, 'V1ReplicaSet');
  }

  readDeployment(namespace: string, name: string): Promise<V1Deployment> {
    return this.typed('GET', `/apis/apps/v1${inNamespace(namespace, 'deployments', name)}`, 'V1Deployment');
  }

  readStatefulSet(namespace: string, name: string): Promise<V1StatefulSet> {
    return this.typed('GET', `/apis/apps/v1${inNamespace(namespace, 'statefulsets', name)}`, 'V1StatefulSet');
  }

  readDaemonSet(namespace: string, name: string): Promise<V1DaemonSet> {
    return this.typed('GET', `/apis/apps/v1${inNamespace(namespace, 'daemonsets', name)}`, 'V1DaemonSet');
  }

  readJob(namespace: string, name: string): Promise<V1Job> {
    return this.typed('GET', `/apis/batch/v1${inNamespace(namespace, 'jobs', name)}`, 'V1Job');
  }

  listPods(opts: ListOptions): Promise<V1Pod[]> {
    const { namespace } = opts;
    return this.collect(opts, namespace ? `/api/v1${inNamespace(namespace, 'pods')}` : '/api/v1/pods', 'V1PodList');
  }

  listNodes(opts: ListOptions = {}): Promise<V1Node[]> {
    return this.collect(opts, '/api/v1/nodes', 'V1NodeList');
  }

  /**
   * One page of nodes and what the server says of the rest: a `continue` token
   * when more match, and remainingItemCount, which the apiserver sets only for
   * a list without label or field selectors (an exact count for one request).
   */
  async listNodesPage(
    opts: Omit<ListOptions, 'namespace' | 'maxItems'> & { continue?: string | undefined },
  ): Promise<{ items: V1Node[]; continue?: string; remainingItemCount?: number }> {
    const q = query([
      ['continue', opts.continue],
      ['fieldSelector', opts.fieldSelector || undefined],
      ['labelSelector', opts.labelSelector || undefined],
      ['limit', opts.pageSize ?? defaultPageSize],
    ]);
    const page = await this.typed<Page<V1Node> & { metadata?: { remainingItemCount?: number } }>(
      'GET',
      `/api/v1/nodes${q}`,
      'V1NodeList',
    );
    const token = page.metadata?._continue || undefined;
    const remaining = page.metadata?.remainingItemCount;
    return {
      items: page.items,
      ...(token ? { continue: token } : {}),
      ...(typeof remaining === 'number' ? { remainingItemCount: remaining } : {}),
    };
  }

  listEvents(opts: ListOptions): Promise<CoreV1Event[]> {
    const { namespace } = opts;
    return this.collect(
      opts,
      namespace ? `/api/v1${inNamespace(namespace, 'events')}` : '/api/v1/events',
      'CoreV1EventList',
    );
  }

  /** CertificateSigningRequests are cluster-scoped; the kube-controller-manager garbage-collects them after an hour or a day. */
  listCertificateSigningRequests(opts: Omit<ListOptions, 'namespace'> = {}): Promise<V1CertificateSigningRequest[]> {
    return this.collect(
      opts,
      '/apis/certificates.k8s.io/v1/certificatesigningrequests',
      'V1CertificateSigningRequestList',
    );
  }

  /** VolumeAttachments are cluster-scoped and selectable only by name, so callers should cap `maxItems`. */
  listVolumeAttachments(opts: Omit<ListOptions, 'namespace'> = {}): Promise<V1VolumeAttachment[]> {
    return this.collect(opts, '/apis/storage.k8s.io/v1/volumeattachments', 'V1VolumeAttachmentList');
  }

  readConfigMap(namespace: string, name: string): Promise<V1ConfigMap> {
    return this.typed('GET', `/api/v1${inNamespace(namespace, 'configmaps', name)}`, 'V1ConfigMap');
  }

  readService(namespace: string, name: string): Promise<V1Service> {
    return this.typed('GET', `/api/v1${inNamespace(namespace, 'services', name)}`, 'V1Service');
  }

  readEndpoints(namespace: string, name: string): Promise<V1Endpoints> {
    return this.typed('GET', `/api/v1${inNamespace(namespace, 'endpoints', name)}`, 'V1Endpoints');
  }

  /** APIServices are one per group/version, so their number does not grow with the cluster. */
  listApiServices(opts: Omit<ListOptions, 'namespace'> = {}): Promise<V1APIService[]> {
    return this.collect(opts, '/apis/apiregistration.k8s.io/v1/apiservices', 'V1APIServiceList');
  }

  listValidatingWebhookConfigurations(
    opts: Omit<ListOptions, 'namespace'> = {},
  ): Promise<V1ValidatingWebhookConfiguration[]> {
    return this.collect(
      opts,
      '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
      'V1ValidatingWebhookConfigurationList',
    );
  }

  listMutatingWebhookConfigurations(
    opts: Omit<ListOptions, 'namespace'> = {},
  ): Promise<V1MutatingWebhookConfiguration[]> {
    return this.collect(
      opts,
      '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
      'V1MutatingWebhookConfigurationList',
    );
  }

  /**
   * A GET of an API object by path, for kinds read without a typed client
   * (EndpointSlices, Ingresses, NetworkPolicies, the Gateway API's CRDs):
   * the parsed JSON, a non-2xx answer thrown as a KubeError as every read's.
   */
  async getJson<T>(path: string): Promise<T> {
    const r = await this.send('GET', path);
    if (r.status < 200 || r.status >= 300) throw afterRetries(statusError(r.status, r.body), r.retries ?? 0);
    try {
      return JSON.parse(r.body) as T;
    } catch {
      throw new KubeError(
        'malformed',
        `the API server answered GET ${path} with something that is not JSON: "${printable(r.body, 200)}"`,
      );
    }
  }

  /** A list by path, paged with limit/continue as every list here, stopping at maxItems. */
  async listJson<T>(path: string, opts: Omit<ListOptions, 'namespace'> = {}): Promise<T[]> {
    const limit = opts.pageSize ?? defaultPageSize;
    const max = opts.maxItems ?? defaultMaxItems;
    const out: T[] = [];
    let token: string | undefined;
    do {
      const q = new URLSearchParams({ limit: String(limit) });
      if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
      if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
      if (token) q.set('continue', token);
      const page = await this.getJson<{ items?: T[] | null; metadata?: { continue?: string } }>(
        `${path}?${q.toString()}`,
      );
      out.push(...(page.items ?? []));
      token = page.metadata?.continue || undefined;
    } while (token && out.length < max);
    return out.slice(0, max);
  }

  /**
   * A Secret's tls.crt alone: the read is kept out of the recording (a
   * transcript must never hold tls.key), which notes only that it was read.
   */
  async readTlsCertificate(namespace: string, name: string): Promise<{ type: string; certificate?: string }> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`;
    const quiet = new KubeClient(this.objects, this.server, this.contextName, this.kc, this.stats, this.signal);
    try {
      const secret = await quiet.getJson<{ type?: string; data?: Record<string, string> }>(path);
      const crt = secret.data?.['tls.crt'];
      this.recorder?.push({
        method: 'GET',
        path,
        status: 200,
        body: `(Secret ${namespace}/${name}: type ${secret.type ?? ''}, tls.crt read; its data is not recorded)`,
      });
      return { type: secret.type ?? '', ...(crt ? { certificate: Buffer.from(crt, 'base64').toString('utf8') } : {}) };
    } catch (err) {
      this.recorder?.push({
        method: 'GET',
        path,
        status: err instanceof KubeError && err.kind === 'not-found' ? 404 : 0,
        body: err instanceof Error ? err.message : String(err),
      });
      throw err;
    }
  }

  /** A GET of a non-resource path, with the kubeconfig's credentials: any status is an answer, not an error. */
  getRaw(path: string): Promise<RawResponse> {
    return this.send('GET', path);
  }

  /** The same for a binary answer (a gzipped pprof profile): the bytes as they came; the transcript records their size only. */
  getBytes(path: string): Promise<RawResponse & { bytes: Buffer }> {
    return this.send('GET', path, undefined, undefined, true) as Promise<RawResponse & { bytes: Buffer }>;
  }

  /** `kubectl delete pod`: the API's answer as it came (a Status or the terminating pod), never thrown for a status. */
  deletePod(namespace: string, name: string): Promise<RawResponse> {
    return this.send('DELETE', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`);
  }

  /** `kubectl patch <resource> <name> --type <type> -p <patch>` on one of the resources actions may patch. */
  patchObject(
    resource: PatchableResource,
    namespace: string | undefined,
    name: string,
    patchType: 'strategic' | 'merge' | 'json',
    patch: string,
  ): Promise<RawResponse> {
    const { group, plural, namespaced } = patchable[resource];
    const base = group === '' ? '/api/v1' : `/apis/${group}/v1`;
    const ns = namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : '';
    return this.send(
      'PATCH',
      `${base}${ns}/${plural}/${encodeURIComponent(name)}`,
      patch,
      patchContentTypes[patchType],
    );
  }

  /** One request outside client-node's typed calls: its status is the answer, only the transport can fail. */
  private async send(
    method: Method,
    path: string,
    body?: string,
    contentType?: string,
    binary = false,
    accept?: string,
  ): Promise<RawResponse> {
    for (let attempt = 0; ; attempt++) {
      const { raw, retryAfter } = await this.sendOnce(method, path, body, contentType, binary, accept);
      const wait = attempt < maxRetries ? retryAfterSeconds(raw.status, retryAfter) : undefined;
      if (wait === undefined || !(await pause(wait, this.signal)))
        return attempt > 0 ? { ...raw, retries: attempt } : raw;
    }
  }

  private async sendOnce(
    method: Method,
    path: string,
    body?: string,
    contentType?: string,
    binary = false,
    accept?: string,
  ): Promise<{ raw: RawResponse; retryAfter: unknown }> {
    const signal = this.signal;
    // How far the request got, to say what a timeout was waiting for.
    const reached = { tcp: false, tls: false, answer: false };
    const url = apiUrl(this.server, path);
    try {
      signal?.throwIfAborted();
      const headers: Record<string, string> = {
        Accept: accept ?? (binary ? '*/*' : method === 'GET' ? 'text/plain, application/json' : 'application/json'),
      };
      if (body !== undefined && contentType) headers['Content-Type'] = contentType;
      const opts: Parameters<typeof httpsRequest>[1] = { method, headers };
      await this.kc.applyToHTTPSOptions(opts);
      opts.agent = keepAliveTwin(opts.agent) ?? opts.agent;
      return await new Promise<{ raw: RawResponse; retryAfter: unknown }>((resolve, reject) => {
        this.stats.requests += 1;
        const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
        const req = request(url, { ...opts, ...(signal ? { signal } : {}) }, (res) => {
          reached.answer = true;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const answer = Buffer.concat(chunks);
            this.stats.bytes += answer.length;
            const ok = (res.statusCode ?? 0) < 300;
            const type = res.headers['content-type'];
            const raw: RawResponse = {
              status: res.statusCode ?? 0,
              body: binary && ok ? '' : answer.toString('utf8'),
              ...(binary ? { bytes: answer } : {}),
              ...(type ? { contentType: type } : {}),
            };
            if (this.recorder) {
              const shown =
                binary && ok ? `<${answer.length} bytes, ${res.headers['content-type'] ?? 'binary'}>` : raw.body;
              this.recorder.push({ method, path: `${url.pathname}${url.search}`, status: raw.status, body: shown });
            }
            resolve({ raw, retryAfter: res.headers['retry-after'] });
          });
          res.on('error', reject);
        });
        req.on('socket', (socket) => {
          const tls = url.protocol !== 'http:';
          // A kept connection is already there: listeners for its start would never fire, and pile up on it.
          if (!socket.connecting) {
            Object.assign(reached, { tcp: true, tls: true });
            return;
          }
          socket.once('connect', () => (reached.tcp = true));
          if (tls) socket.once('secureConnect', () => (reached.tls = true));
          else reached.tls = true;
        });
        req.on('error', reject);
        req.end(body);
      });
    } catch (err) {
      const reason: unknown = signal?.reason;
      if (signal?.aborted && reason instanceof Error && reason.name === 'TimeoutError') {
        throw new KubeError(
          'timeout',
          `the API server at ${this.server} did not answer in time: ${timedOutAt(reached, url, method)}`,
        );
      }
      throw toKubeError(err, this.server, signal);
    }
  }

  /** The API server's address and the trust the kubeconfig puts in it, for reading its serving certificate. */
  async serverTls(): Promise<ServerTls> {
    const url = new URL(this.server);
    const opts: Parameters<typeof httpsRequest>[1] = {};
    await this.kc.applyToHTTPSOptions(opts);
    const cluster = this.kc.getCurrentCluster();
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // SNI carries names only (RFC 6066); an IP server is checked against the certificate's IP SANs.
    const servername = cluster?.tlsServerName ?? (isIP(host) ? undefined : host);
    const options: ConnectionOptions = {
      ...(opts.ca ? { ca: opts.ca } : {}),
      ...(servername ? { servername } : {}),
      rejectUnauthorized: cluster?.skipTLSVerify !== true,
    };
    return { host, port: Number(url.port || 443), options };
  }

  /**
   * Liveness of the connection itself: the cheapest authenticated request there
   * is (kubectl's first, GET /api), and proof that what answers is an API server.
   */
  async version(): Promise<void> {
    const r = await this.send('GET', '/api');
    if (r.status >= 300 || r.status < 200) throw afterRetries(statusError(r.status, r.body), r.retries ?? 0);
    let kind: unknown;
    try {
      kind = (JSON.parse(r.body) as { kind?: unknown } | null)?.kind;
    } catch {
      kind = undefined;
    }
    if (kind !== 'APIVersions') {
      throw new KubeError(
        'server-error',
        `the server at ${this.server} answered GET /api with something that is not the Kubernetes API (HTTP ${r.status}): "${printable(r.body, 200)}"`,
      );
    }
  }

  private async collect<T>(opts: ListOptions, path: string, listType: string): Promise<T[]> {
    const limit = opts.pageSize ?? defaultPageSize;
    const max = opts.maxItems ?? defaultMaxItems;
    const out: T[] = [];
    let token: string | undefined;
    do {
      const q = query([
        ['continue', token],
        ['fieldSelector', opts.fieldSelector || undefined],
        ['labelSelector', opts.labelSelector || undefined],
        ['limit', limit],
      ]);
      const page = await this.typed<Page<T>>('GET', `${path}${q}`, listType);
      out.push(...page.items);
      token = page.metadata?._continue || undefined;
    } while (token && out.length < max);
    return out.slice(0, max);
  }

  /**
   * One typed request: the answer parsed and typed as client-node's generated
   * call would (ObjectSerializer.parse and deserialize), a status other than
   * 2xx thrown as a KubeError, after the retries a Retry-After asks for.
   */
  private async typed<T>(method: 'GET' | 'POST', path: string, type: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(this.objects.serialize(body, type, ''));
    const r = await this.send(
      method,
      path,
      payload,
      payload === undefined ? undefined : 'application/json',
      false,
      'application/json',
    );
    // client-node drops a 401's body; the message is then the status's name, as before.
    if (r.status < 200 || r.status >= 300)
      throw afterRetries(statusError(r.status, r.status === 401 ? undefined : r.body), r.retries ?? 0);
    try {
      const media = this.objects.normalizeMediaType(r.contentType);
      // A JSON answer is checked against the API's field types before a check reads it.
      if (media !== undefined && /json/i.test(media)) refuseMalformed(r.body);
      return this.objects.deserialize(this.objects.parse(r.body, media), type, '') as T;
    } catch (err) {
      throw toKubeError(err, this.server, this.signal);
    }
  }
}

/**
 * An object whose fields do not have the API's types (a proxy's rewrite, a
 * hand-made drill object) is said to be malformed, naming the field, instead
 * of failing inside client-node ("data is not iterable") or inside a check.
 */
function refuseMalformed(body: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return; // Not JSON: client-node's own parse says so.
  }
  if (typeof parsed !== 'object' || parsed === null) return;
  const { kind, items } = parsed as { kind?: unknown; items?: unknown };
  const listOf = itemKind(kind);
  const objects = listOf ? (Array.isArray(items) ? items : [items]) : [parsed];
  const objectKind = listOf ?? (typeof kind === 'string' ? kind : '');
  if (listOf && !Array.isArray(items) && items !== undefined && items !== null) {
    throw new KubeError('malformed', `the API server sent a ${String(kind)} whose items are not a list`);
  }
  for (const obj of objects) {
    const problem = shapeProblem(objectKind, obj);
    if (!problem) continue;
    const meta = (obj as { metadata?: { name?: unknown; namespace?: unknown } } | null)?.metadata;
    const name = [meta?.namespace, meta?.name].filter((x): x is string => typeof x === 'string' && x !== '').join('/');
    throw new KubeError(
      'malformed',
      `the API server sent a ${objectKind}${name ? ` ${printable(name, 120)}` : ''} that is malformed: ${problem.field ? `${problem.field}: ` : ''}${problem.message}`,
    );
  }
}

/** What a request that timed out was still waiting for: the connection, the TLS handshake, or an answer. */
function timedOutAt(reached: { tcp: boolean; tls: boolean; answer: boolean }, url: URL, method: string): string {
  const where = `${url.hostname}:${url.port || (url.protocol === 'http:' ? '80' : '443')}`;
  if (!reached.tcp) return `no TCP connection to ${where} (a wrong address, or a firewall that drops the packets)`;
  if (!reached.tls) return `connected to ${where}, but the TLS handshake never finished`;
  if (!reached.answer) return `connected to ${where} and sent ${method} ${url.pathname}, but no answer came`;
  return `the answer to ${method} ${url.pathname} from ${where} stopped coming`;
}

/**
 * An API path below the server URL, which may carry a path of its own
 * (Rancher's /k8s/clusters/<id>, a proxy's prefix): joined as client-go
 * joins them, where `new URL(path, server)` would drop the prefix.
 */
export function apiUrl(server: string, path: string): URL {
  const base = new URL(server);
  return new URL(`${base.pathname.replace(/\/+$/, '')}${path}`, base);
}
