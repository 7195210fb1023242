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
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
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

export interface DrillClusterSpec {
  objects: KubeObject[];
  logs: ContainerLog[];
  /** Bearer token the server accepts; other tokens get 401. */
  token: string;
  /** Name used for the kubeconfig's cluster, user and context. */
  name: string;
}
