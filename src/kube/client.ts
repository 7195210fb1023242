import type {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CoordinationV1Api,
  CoreV1Event,
  StorageV1Api,
  V1DaemonSet,
  V1Deployment,
  V1Job,
  V1Lease,
  V1Node,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1ReplicaSet,
  V1StatefulSet,
  V1VolumeAttachment,
} from '@kubernetes/client-node';
import type { LoadedKubeConfig } from './config.js';
import { toKubeError } from './errors.js';

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

/** The API groups beyond core and coordination that checks read. */
interface GroupApis {
  apps: AppsV1Api;
  batch: BatchV1Api;
  storage: StorageV1Api;
}

const defaultPageSize = 500;
const defaultMaxItems = 5000;

/**
 * The Kubernetes reads plumbline's checks make: typed, paged, cancellable, and
 * every failure turned into a KubeError a check can branch on.
 */
export class KubeClient {
  private constructor(
    private readonly core: CoreV1Api,
    private readonly coordination: CoordinationV1Api,
    private readonly groups: GroupApis,
    readonly server: string,
    readonly contextName: string,
    private readonly signal?: AbortSignal,
  ) {}

  static async create(config: LoadedKubeConfig): Promise<KubeClient> {
    const { AppsV1Api, BatchV1Api, CoreV1Api, CoordinationV1Api, StorageV1Api } = await import('@kubernetes/client-node');
    return new KubeClient(
      config.kc.makeApiClient(CoreV1Api),
      config.kc.makeApiClient(CoordinationV1Api),
      {
        apps: config.kc.makeApiClient(AppsV1Api),
        batch: config.kc.makeApiClient(BatchV1Api),
        storage: config.kc.makeApiClient(StorageV1Api),
      },
      config.server,
      config.contextName,
    );
  }

  /** The same client, with every request cancelled when `signal` aborts. */
  withSignal(signal: AbortSignal): KubeClient {
    return new KubeClient(this.core, this.coordination, this.groups, this.server, this.contextName, signal);
  }

  readPod(namespace: string, name: string): Promise<V1Pod> {
    return this.call((o) => this.core.readNamespacedPod({ namespace, name }, o));
  }

  readNode(name: string): Promise<V1Node> {
    return this.call((o) => this.core.readNode({ name }, o));
  }

  readLease(namespace: string, name: string): Promise<V1Lease> {
    return this.call((o) => this.coordination.readNamespacedLease({ namespace, name }, o));
  }

  /** A container's log text, as `kubectl logs` prints it. */
  readPodLog(namespace: string, name: string, opts: PodLogOptions = {}): Promise<string> {
    const query = {
      namespace,
      name,
      ...(opts.container ? { container: opts.container } : {}),
      ...(opts.previous ? { previous: true } : {}),
      ...(opts.tailLines !== undefined ? { tailLines: opts.tailLines } : {}),
      ...(opts.timestamps ? { timestamps: true } : {}),
      ...(opts.limitBytes !== undefined ? { limitBytes: opts.limitBytes } : {}),
    };
    return this.call((o) => this.core.readNamespacedPodLog(query, o));
  }

  readPvc(namespace: string, name: string): Promise<V1PersistentVolumeClaim> {
    return this.call((o) => this.core.readNamespacedPersistentVolumeClaim({ namespace, name }, o));
  }

  readPv(name: string): Promise<V1PersistentVolume> {
    return this.call((o) => this.core.readPersistentVolume({ name }, o));
  }

  readReplicaSet(namespace: string, name: string): Promise<V1ReplicaSet> {
    return this.call((o) => this.groups.apps.readNamespacedReplicaSet({ namespace, name }, o));
  }

  readDeployment(namespace: string, name: string): Promise<V1Deployment> {
    return this.call((o) => this.groups.apps.readNamespacedDeployment({ namespace, name }, o));
  }

  readStatefulSet(namespace: string, name: string): Promise<V1StatefulSet> {
    return this.call((o) => this.groups.apps.readNamespacedStatefulSet({ namespace, name }, o));
  }

  readDaemonSet(namespace: string, name: string): Promise<V1DaemonSet> {
    return this.call((o) => this.groups.apps.readNamespacedDaemonSet({ namespace, name }, o));
  }

  readJob(namespace: string, name: string): Promise<V1Job> {
    return this.call((o) => this.groups.batch.readNamespacedJob({ namespace, name }, o));
  }

  listPods(opts: ListOptions): Promise<V1Pod[]> {
    const { namespace } = opts;
    return this.collect(opts, (q, o) =>
      namespace ? this.core.listNamespacedPod({ namespace, ...q }, o) : this.core.listPodForAllNamespaces(q, o),
    );
  }

  listNodes(opts: ListOptions = {}): Promise<V1Node[]> {
    return this.collect(opts, (q, o) => this.core.listNode(q, o));
  }

  listEvents(opts: ListOptions): Promise<CoreV1Event[]> {
    const { namespace } = opts;
    return this.collect(opts, (q, o) =>
      namespace ? this.core.listNamespacedEvent({ namespace, ...q }, o) : this.core.listEventForAllNamespaces(q, o),
    );
  }

  /** VolumeAttachments are cluster-scoped and selectable only by name, so callers should cap `maxItems`. */
  listVolumeAttachments(opts: Omit<ListOptions, 'namespace'> = {}): Promise<V1VolumeAttachment[]> {
    return this.collect(opts, (q, o) => this.groups.storage.listVolumeAttachment(q, o));
  }

  /** Liveness of the connection itself: the cheapest authenticated request there is. */
  async version(): Promise<void> {
    await this.call((o) => this.core.getAPIResources(o));
  }

  private async collect<T>(
    opts: ListOptions,
    fetchPage: (
      query: { fieldSelector?: string; labelSelector?: string; limit: number; _continue?: string },
      options: RequestOptions,
    ) => Promise<Page<T>>,
  ): Promise<T[]> {
    const limit = opts.pageSize ?? defaultPageSize;
    const max = opts.maxItems ?? defaultMaxItems;
    const out: T[] = [];
    let token: string | undefined;
    do {
      const query = {
        limit,
        ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}),
        ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
        ...(token ? { _continue: token } : {}),
      };
      const page = await this.call((o) => fetchPage(query, o));
      out.push(...page.items);
      token = page.metadata?._continue || undefined;
    } while (token && out.length < max);
    return out.slice(0, max);
  }

  private async call<T>(fn: (options: RequestOptions) => Promise<T>): Promise<T> {
    const signal = this.signal;
    try {
      signal?.throwIfAborted();
      return await fn(requestOptions(signal));
    } catch (err) {
      throw toKubeError(err, this.server, signal);
    }
  }
}

type RequestOptions = Parameters<CoreV1Api['readNode']>[1];

/** client-node takes a per-request AbortSignal only through middleware. */
function requestOptions(signal: AbortSignal | undefined): RequestOptions {
  if (!signal) return undefined;
  return {
    middleware: [
      {
        pre: (ctx) => {
          ctx.setSignal(signal);
          return { toPromise: () => Promise.resolve(ctx) } as never;
        },
        post: (res) => ({ toPromise: () => Promise.resolve(res) }) as never,
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}
