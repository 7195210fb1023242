import type { KubeObject } from '../types.js';
import type { VirtualSet } from './virtualSet.js';
import { endpointObjects, endpointSliceNames } from './services.js';
import type { ServiceInput } from './services.js';
import type { GenTimes } from './context.js';
import { seededUid } from './ids.js';
import { needsJsonEscape } from '../jsonText.js';
import type { controllerRef } from './ids.js';
import { defaultTolerations, frozen, PodNetwork, probeMetadata, runningPod, runningPodView } from './pods.js';
import type { ContainerInput, LayoutNode } from './pods.js';

/** What every pod of one filler app shares, frozen once. */
export interface FillerApp {
  name: string;
  container: ContainerInput;
  labels: Readonly<Record<string, string>>;
  owner: Readonly<ReturnType<typeof controllerRef>>;
}

/**
 * The filler workload's pods, made when read: pod i is slot i mod podsPerWorker
 * on worker i div podsPerWorker, of app i mod apps. Its name, uid, IP and node
 * follow from i, and what the app's pods have in common is shared, so 150,000
 * of them cost their keys until one is read. A pod a fault edits is taken out
 * (`take`) and served as the object the fault wrote.
 */
export class FillerPods implements VirtualSet {
  readonly apiVersion = 'v1';
  readonly kind = 'Pod';
  readonly size: number;
  private readonly taken = new Set<number>();

  constructor(
    readonly namespace: string,
    private readonly apps: readonly FillerApp[],
    private readonly workers: readonly LayoutNode[],
    private readonly perWorker: number,
    /** The host number of each worker's first filler pod (PodNetwork.reserve). */
    private readonly firstHost: readonly number[],
    private readonly t: GenTimes,
  ) {
    this.size = apps.length === 0 ? 0 : workers.length * perWorker;
    // A member's varying strings are an app's or a node's name with base-36 digits, a hex uid and an IP.
    this.plainVarying = [...apps, ...workers].every((a) => !needsJsonEscape.test(a.name));
  }

  readonly plainVarying: boolean;

  exists(i: number): boolean {
    return i >= 0 && i < this.size && !this.taken.has(i);
  }

  /** Serves pod i no more (a fault wrote or removed it). */
  take(i: number): void {
    this.taken.add(i);
  }

  name(i: number): string {
    return `${this.app(i).name}-${this.base36(Math.floor(i / this.perWorker))}-${this.base36(i % this.perWorker)}`;
  }

  /** n in base 36, each made once: a Table of 150,000 filler pods names every pod on each read. */
  private base36(n: number): string {
    let s = this.base36s[n];
    if (s === undefined) {
      s = n.toString(36);
      this.base36s[n] = s;
    }
    return s;
  }

  private readonly base36s: string[] = [];

  /** The index of a filler pod's name (`app-N-<worker base 36>-<slot base 36>`), if it names one. */
  indexOf(namespace: string | undefined, name: string): number | undefined {
    if (namespace !== this.namespace) return undefined;
    const m = /^(.+)-([0-9a-z]+)-([0-9a-z]+)$/.exec(name);
    if (!m) return undefined;
    const w = parseInt(m[2] ?? '', 36);
    const p = parseInt(m[3] ?? '', 36);
    if (!(w < this.workers.length && p < this.perWorker)) return undefined;
    const i = w * this.perWorker + p;
    return this.exists(i) && this.name(i) === name ? i : undefined;
  }

  uid(i: number): string {
    return seededUid(this.uidSeed, i);
  }

  /** One string, not one per uid: seededUid looks its seed up, and a string built anew is hashed anew. */
  private get uidSeed(): string {
    this.seed ??= `pod/${this.namespace}/filler`;
    return this.seed;
  }

  private seed: string | undefined;

  onNode(nodeName: string): number[] {
    const w = this.workers.findIndex((n) => n.name === nodeName);
    return w < 0 ? [] : Array.from({ length: this.perWorker }, (_, p) => w * this.perWorker + p);
  }

  node(i: number): LayoutNode {
    return this.workers[Math.floor(i / this.perWorker)] as LayoutNode;
  }

  ip(i: number): string {
    const w = Math.floor(i / this.perWorker);
    const host = (this.firstHost[w] ?? 2) + (i % this.perWorker);
    // The node's part of the address, made once per node (PodNetwork.address's form).
    let prefix = this.ipPrefixes[w];
    if (prefix === undefined) {
      const node = PodNetwork.address(this.workers[w] as LayoutNode, 0);
      prefix = node.slice(0, node.lastIndexOf('.') + 1);
      this.ipPrefixes[w] = prefix;
    }
    return `${prefix}${host}`;
  }

  private readonly ipPrefixes: string[] = [];

  get appCount(): number {
    return this.apps.length;
  }

  /** How many pods app a has. */
  countOf(a: number): number {
    return a < this.size ? Math.floor((this.size - 1 - a) / this.apps.length) + 1 : 0;
  }

  /** Probes of app a's pods, in pod order. */
  podsOf(a: number): KubeObject[] {
    const out: KubeObject[] = [];
    for (let i = a; i < this.size; i += this.apps.length) out.push(this.probe(i));
    return out;
  }

  indexValue(field: string, i: number): string | undefined {
    return field === 'spec.nodeName' ? this.node(i).name : undefined;
  }

  probe(i: number): KubeObject {
    const app = this.app(i);
    const metadata = probeMetadata(
      {
        name: this.name(i),
        namespace: this.namespace,
        creationTimestamp: this.t.load,
        labels: app.labels,
        ownerReferences: [app.owner],
      },
      () => this.uid(i),
    );
    return this.view(i, metadata);
  }

  /** Pods of one app differ only in name, uid, node and IP: the app's first pod is like them all. */
  shallow(i: number): { object: KubeObject; like: number } {
    const app = this.app(i);
    // The whole metadata as plain data: a Table row serializes it.
    const metadata = {
      name: this.name(i),
      namespace: this.namespace,
      uid: this.uid(i),
      creationTimestamp: this.t.load,
      labels: app.labels,
      // One frozen list per app: a Table writes the text of what its rows share once.
      ownerReferences: this.ownerReferences(i % this.apps.length),
    };
    return { object: this.view(i, metadata), like: i % this.apps.length };
  }

  likeOf(i: number): number {
    return i % this.apps.length;
  }

  /** What shallow(i)'s object holds of pod i alone: its name, uid, IP and node. */
  varying(i: number, out: string[]): void {
    out.length = 0;
    out.push(this.name(i), this.uid(i), this.ip(i), this.node(i).name);
  }

  private readonly owners = new Map<number, KubeObject['metadata']['ownerReferences']>();

  private ownerReferences(a: number): KubeObject['metadata']['ownerReferences'] {
    let refs = this.owners.get(a);
    if (!refs) {
      refs = frozen([(this.apps[a] as FillerApp).owner]);
      this.owners.set(a, refs);
    }
    return refs;
  }

  /** What selectors read of pod i, with its metadata. */
  private view(i: number, metadata: KubeObject['metadata']): KubeObject {
    return runningPodView(metadata, { node: this.node(i).name, podIP: this.ip(i), serviceAccountName: 'default' });
  }

  make(i: number): KubeObject {
    const app = this.app(i);
    return runningPod({
      namespace: this.namespace,
      name: this.name(i),
      uid: this.uid(i),
      node: this.node(i),
      podIP: this.ip(i),
      labels: app.labels,
      owner: app.owner,
      containers: [app.container],
      created: this.t.load,
      started: this.t.loadStarted,
      serviceAccountName: 'default',
      tolerations: defaultTolerations,
      qosClass: 'Burstable',
    });
  }

  private app(i: number): FillerApp {
    return this.apps[i % this.apps.length] as FillerApp;
  }
}

/**
 * The Endpoints (or EndpointSlices) of the filler apps' Services, made on read
 * from the apps' pods as the controllers would write them: 300 addresses in
 * each of 500 Endpoints are 150,000 objects the heap need not hold.
 */
export class FillerEndpoints implements VirtualSet {
  readonly apiVersion: string;
  readonly size: number;
  private readonly taken = new Set<number>();
  /** Member i: the app it serves and its place in what endpointObjects returns. */
  private readonly members: { app: number; at: number; name: string }[] = [];
  private readonly byName = new Map<string, number>();

  constructor(
    readonly kind: 'Endpoints' | 'EndpointSlice',
    private readonly pods: FillerPods,
    private readonly services: readonly ServiceInput[],
    private readonly changed: string,
  ) {
    this.apiVersion = kind === 'Endpoints' ? 'v1' : 'discovery.k8s.io/v1';
    services.forEach((svc, app) => {
      const names = kind === 'Endpoints' ? [svc.name] : endpointSliceNames(svc, this.pods.countOf(app));
      names.forEach((name, k) => {
        this.byName.set(name, this.members.length);
        this.members.push({ app, at: kind === 'Endpoints' ? 0 : 1 + k, name });
      });
    });
    this.size = this.members.length;
  }

  get namespace(): string {
    return this.pods.namespace;
  }

  exists(i: number): boolean {
    return i >= 0 && i < this.size && !this.taken.has(i);
  }

  take(i: number): void {
    this.taken.add(i);
  }

  name(i: number): string {
    return this.members[i]?.name ?? '';
  }

  indexOf(namespace: string | undefined, name: string): number | undefined {
    if (namespace !== this.namespace) return undefined;
    const i = this.byName.get(name);
    return i !== undefined && this.exists(i) ? i : undefined;
  }

  make(i: number): KubeObject {
    const m = this.members[i] as { app: number; at: number };
    return endpointObjects(this.services[m.app] as ServiceInput, this.pods.podsOf(m.app), this.changed)[
      m.at
    ] as KubeObject;
  }

  /** 500 of them: selectors read the made object. */
  probe(i: number): KubeObject {
    return this.make(i);
  }
}
