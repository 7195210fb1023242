import type { KubeObject } from '../types.js';
import type { VirtualSet } from './virtualSet.js';
import { uidFor } from './ids.js';
import { needsJsonEscape } from '../jsonText.js';
import { frozen, probeMetadata, runningPod, runningPodView } from './pods.js';
import type { LayoutNode, PodInput } from './pods.js';

/** What every pod of one DaemonSet shares; a member's pod is `pod(node, name)` made whole. */
export interface DaemonSetPodsInput {
  namespace: string;
  /** One per node, in node order. */
  names: readonly string[];
  nodes: readonly LayoutNode[];
  labels: Readonly<Record<string, string>>;
  owner: NonNullable<KubeObject['metadata']['ownerReferences']>[number];
  created: string;
  serviceAccountName: string;
  hostNetwork: boolean;
  /** The whole pod of a member, as runningPod is given it; labels are given a fresh copy. */
  pod(node: LayoutNode, name: string): PodInput;
}

/**
 * A DaemonSet's pods, one per node, made when read: on the 5,000-node drill,
 * kube-proxy's 5,000 pods held whole cost the server 20-28 MB and every
 * `kubectl get pods -A` printed each of them in full. Member i runs on node i;
 * what the pods have in common is shared, and a pod a fault edits is taken out
 * (`take`) and served as the object the fault wrote.
 */
export class DaemonSetPods implements VirtualSet {
  readonly apiVersion = 'v1';
  readonly kind = 'Pod';
  readonly namespace: string;
  readonly size: number;
  readonly plainVarying: boolean;
  private readonly taken = new Set<number>();
  private readonly byName = new Map<string, number>();
  private readonly byNode = new Map<string, number>();
  /** Made when first asked: a uid is a sha1 of the pod's name, as for every generated pod. */
  private readonly uids: (string | undefined)[] = [];
  private readonly labels: Readonly<Record<string, string>>;
  private readonly owners: NonNullable<KubeObject['metadata']['ownerReferences']>;

  constructor(private readonly input: DaemonSetPodsInput) {
    this.namespace = input.namespace;
    this.size = input.nodes.length;
    input.names.forEach((name, i) => this.byName.set(name, i));
    input.nodes.forEach((n, i) => this.byNode.set(n.name, i));
    this.labels = frozen({ ...input.labels });
    this.owners = frozen([input.owner]);
    // A member's varying strings are its name, a hex uid, its IP and its node's name.
    this.plainVarying = [...input.names, ...input.nodes.map((n) => n.name)].every((s) => !needsJsonEscape.test(s));
  }

  exists(i: number): boolean {
    return i >= 0 && i < this.size && !this.taken.has(i);
  }

  take(i: number): void {
    this.taken.add(i);
  }

  name(i: number): string {
    return this.input.names[i] as string;
  }

  indexOf(namespace: string | undefined, name: string): number | undefined {
    if (namespace !== this.namespace) return undefined;
    const i = this.byName.get(name);
    return i !== undefined && this.exists(i) ? i : undefined;
  }

  onNode(nodeName: string): number[] {
    const i = this.byNode.get(nodeName);
    return i === undefined ? [] : [i];
  }

  indexValue(field: string, i: number): string | undefined {
    return field === 'spec.nodeName' ? this.node(i).name : undefined;
  }

  make(i: number): KubeObject {
    const p = this.input.pod(this.node(i), this.name(i));
    return runningPod({ ...p, uid: this.uid(i), labels: { ...p.labels } });
  }

  probe(i: number): KubeObject {
    const metadata = probeMetadata(
      {
        name: this.name(i),
        namespace: this.namespace,
        creationTimestamp: this.input.created,
        labels: this.labels,
        ownerReferences: this.owners,
      },
      () => this.uid(i),
    );
    return this.view(i, metadata);
  }

  /** The members differ only in name, uid, node and IP: the first is like them all. */
  shallow(i: number): { object: KubeObject; like: number } {
    const metadata = {
      name: this.name(i),
      namespace: this.namespace,
      uid: this.uid(i),
      creationTimestamp: this.input.created,
      labels: this.labels,
      ownerReferences: this.owners,
    };
    return { object: this.view(i, metadata), like: 0 };
  }

  likeOf(): number {
    return 0;
  }

  /** What shallow(i)'s object holds of pod i alone: its name, uid, IP and node. */
  varying(i: number, out: string[]): void {
    out.length = 0;
    out.push(this.name(i), this.uid(i), this.ip(i), this.node(i).name);
  }

  private uid(i: number): string {
    let uid = this.uids[i];
    if (uid === undefined) {
      uid = uidFor('pod', this.namespace, this.name(i));
      this.uids[i] = uid;
    }
    return uid;
  }

  private node(i: number): LayoutNode {
    return this.input.nodes[i] as LayoutNode;
  }

  /** A host-network pod's IP is its node's. */
  private ip(i: number): string {
    return this.input.hostNetwork ? this.node(i).ip : this.input.pod(this.node(i), this.name(i)).podIP;
  }

  /** What selectors read of pod i, with its metadata. */
  private view(i: number, metadata: KubeObject['metadata']): KubeObject {
    return runningPodView(metadata, {
      node: this.node(i).name,
      podIP: this.ip(i),
      serviceAccountName: this.input.serviceAccountName,
      hostNetwork: this.input.hostNetwork,
    });
  }
}
