import type { DrillNodeMetrics, DrillProfiles } from './profiles.js';
/** A Kubernetes object as served by the drill API server: plain JSON, as `kubectl get -o json` shows it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: {
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
      blockOwnerDeletion?: boolean;
    }[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Container log text for one container of one pod; `previous` is the instance before the last restart. */
export interface ContainerLog {
  namespace: string;
  pod: string;
  container: string;
  previous?: boolean;
  /** Lines, each optionally prefixed with an RFC3339 timestamp and a space (as the kubelet stores them). */
  lines: string[];
}

/**
 * An RBAC denial: matching requests get 403 with the apiserver's message.
 * Unset fields match anything; `*` matches any verb or resource.
 */
export interface DrillDenial {
  /** The username denied (default: whoever the token authenticates as). */
  user?: string;
  /** RBAC verb: get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
  /** Plural resource, optionally with a subresource: `pods`, `pods/log`, `nodes`. */
  resource: string;
  /** Only in this namespace; unset denies in every namespace and at cluster scope. */
  namespace?: string;
  /** API group (`""` for core, `apps`, `metrics.k8s.io`); unset matches any group. */
  group?: string;
}

/** A fault injected in front of the API: the request is delayed, refused, cut or left hanging. */
export interface DrillApiFault {
  /** Regular expression tested against the request path (`^/apis/metrics.k8s.io/`). */
  path?: string;
  /** Plural resource (`pods`, or `pods/log`); matches resource requests only. */
  resource?: string;
  /** latency: delay, then answer; error: 500/503 Status; throttle: 429 with Retry-After; reset: drop the connection; hang: never answer. */
  kind: 'latency' | 'error' | 'throttle' | 'reset' | 'hang';
  /** Delay for `latency` (default 1000). */
  ms?: number;
  /** Status for `error` (default 500). */
  status?: 500 | 503;
  /** Message of the `error` Status (default: what etcd or the aggregator would say). */
  message?: string;
  /** Retry-After for `throttle` (default 1), and for `error` when set. */
  retryAfterSeconds?: number;
  /** Matching requests the fault affects; after that the API is healthy again (default: all). */
  times?: number;
}

/**
 * One answer a Service gives through the API server's proxy
 * (`/api/v1/namespaces/<ns>/services/<svc>[:<port>]/proxy/<path>`): a drill
 * runs no workloads, so a scenario states what the service says.
 */
export interface DrillHttpAnswer {
  namespace: string;
  service: string;
  /** The port as the proxy path names it (a number or a port name); unset: any. */
  port?: string;
  path: string;
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface DrillClusterSpec {
  objects: KubeObject[];
  /** Objects made on read (generated filler pods); a written object of the same name replaces one. */
  virtual?: VirtualObjects[];
  logs: ContainerLog[];
  /** Bearer token the server accepts; other tokens get 401. */
  token: string;
  /** Name used for the kubeconfig's cluster, user and context. */
  name: string;
  /** The username the token authenticates as (default `drill-admin`), as 403 messages name it. */
  user?: string;
  /** RBAC denials the scenario declares; everything else is allowed. */
  denials?: DrillDenial[];
  /** Faults injected in front of the API, checked in order; the first that matches applies. */
  apiFaults?: DrillApiFault[];
  /** CPU profiles the apiserver and kubelets serve at /debug/pprof/profile (unset: healthy ones). */
  profiles?: DrillProfiles;
  /** What metrics.k8s.io reports for nodes (unset: nothing scraped yet). */
  nodeMetrics?: DrillNodeMetrics;
  /** What the services answer through the API server's service proxy (a scenario's `http:`); a service without an answer is not faked. */
  serviceProxy?: DrillHttpAnswer[];
  /** The validity of the certificate the API server serves (unset: from an hour ago to a year on). */
  servingCertificate?: { notBefore?: Date; notAfter?: Date };
  /** A container log not in `logs` is refused as when the kubelet cannot be reached (pasted material: not collected), not served empty. */
  logsNotCollected?: boolean;
}

/**
 * Objects made when read instead of held: 150,000 filler pods built up front
 * cost seconds and hundreds of MiB. Each is identified by its index; `make`
 * returns a fresh object every call (the reader may keep or change it).
 */
export interface VirtualObjects {
  apiVersion: string;
  kind: string;
  namespace: string;
  /** Member `index`'s namespace where the set spans several (VirtualUnion); `namespace` otherwise. */
  namespaceOf?(index: number): string;
  /** Indexes run 0 .. size-1; some may be gone (`exists`). */
  size: number;
  exists(index: number): boolean;
  name(index: number): string;
  make(index: number): KubeObject;
  /**
   * A cheap partial view (metadata, the fields selectors and indexes read,
   * readiness): enough to filter and index on without making the object.
   */
  probe(index: number): KubeObject;
  /** An indexed field's value (`spec.nodeName`) without a probe, where the set knows it. */
  indexValue?(field: string, index: number): string | undefined;
  /**
   * Members made from one template, for a Table that prints one member per
   * template instead of making each: the member's whole metadata and what
   * selectors read (`object`, fresh), and `like`, a member whose made object
   * differs from this one's only in name, uid, node and IPs (and what derives
   * from them).
   */
  shallow?(index: number): { object: KubeObject; like: number };
  /** The `like` that shallow(index) names, without making its object. */
  likeOf?(index: number): number;
  /**
   * The strings that tell member `index` apart from its like member, as
   * shallow's object holds them (name, uid, node, IP...), written to `out` in
   * the same order for every member. A Table row of a member differs from one
   * of its like member only where these differ, so a Table writes it from them
   * without making its object.
   */
  varying?(index: number, out: string[]): void;
  /** Whether every string varying writes is JSON-plain (no quote, backslash or control character), as checked when the set was made. */
  readonly plainVarying?: boolean;
}
