/**
 * The types of the object fields plumbline's checks read, as the Kubernetes
 * Go types declare them. The drill's API server refuses a write whose body
 * does not fit (as kube-apiserver's JSON decoder does), and the client refuses
 * an answer that does not (a check then says the object is malformed instead
 * of failing on it). Not the whole API: the fields checks iterate or compare.
 */

type Leaf = 'string' | 'bool' | 'int32' | 'int64' | 'time';
interface Struct {
  /** The Go type (`v1.Container`) and its struct name (`Container`), as decode errors print them. */
  go: string;
  fields: Record<string, Shape>;
}
interface List {
  list: Shape;
}
interface StringMap {
  map: 'string';
}
type Shape = Leaf | Struct | List | StringMap;

const str = 'string' as const;
const time = 'time' as const;
const list = (of: Shape): List => ({ list: of });
const strings = list(str);
const stringMap: StringMap = { map: 'string' };
const struct = (go: string, fields: Record<string, Shape>): Struct => ({ go, fields });

const ownerReference = struct('v1.OwnerReference', {
  apiVersion: str,
  kind: str,
  name: str,
  uid: str,
  controller: 'bool',
});
const objectMeta = struct('v1.ObjectMeta', {
  name: str,
  generateName: str,
  namespace: str,
  uid: str,
  resourceVersion: str,
  generation: 'int64',
  labels: stringMap,
  annotations: stringMap,
  finalizers: strings,
  ownerReferences: list(ownerReference),
});

const probe = struct('v1.Probe', {
  initialDelaySeconds: 'int32',
  periodSeconds: 'int32',
  timeoutSeconds: 'int32',
  failureThreshold: 'int32',
  successThreshold: 'int32',
});
const container = struct('v1.Container', {
  name: str,
  image: str,
  imagePullPolicy: str,
  command: strings,
  args: strings,
  ports: list(struct('v1.ContainerPort', { name: str, containerPort: 'int32', protocol: str })),
  env: list(struct('v1.EnvVar', { name: str, value: str })),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
});
const podSpec = struct('v1.PodSpec', {
  containers: list(container),
  initContainers: list(container),
  nodeName: str,
  nodeSelector: stringMap,
  serviceAccountName: str,
  restartPolicy: str,
  schedulerName: str,
  priorityClassName: str,
  tolerations: list(
    struct('v1.Toleration', { key: str, operator: str, value: str, effect: str, tolerationSeconds: 'int64' }),
  ),
  volumes: list(struct('v1.Volume', { name: str })),
});
const conditions = (kind: string) =>
  list(
    struct(`v1.${kind}Condition`, {
      type: str,
      status: str,
      reason: str,
      message: str,
      lastTransitionTime: time,
      lastHeartbeatTime: time,
      lastProbeTime: time,
      lastUpdateTime: time,
    }),
  );
const containerState = struct('v1.ContainerState', {
  waiting: struct('v1.ContainerStateWaiting', { reason: str, message: str }),
  running: struct('v1.ContainerStateRunning', { startedAt: time }),
  terminated: struct('v1.ContainerStateTerminated', {
    exitCode: 'int32',
    signal: 'int32',
    reason: str,
    message: str,
    startedAt: time,
    finishedAt: time,
  }),
});
const containerStatuses = list(
  struct('v1.ContainerStatus', {
    name: str,
    image: str,
    imageID: str,
    containerID: str,
    ready: 'bool',
    started: 'bool',
    restartCount: 'int32',
    state: containerState,
    lastState: containerState,
  }),
);
const podStatus = struct('v1.PodStatus', {
  phase: str,
  reason: str,
  message: str,
  podIP: str,
  hostIP: str,
  nominatedNodeName: str,
  startTime: time,
  conditions: conditions('Pod'),
  containerStatuses,
  initContainerStatuses: containerStatuses,
  ephemeralContainerStatuses: containerStatuses,
});
const template = struct('v1.PodTemplateSpec', { metadata: objectMeta, spec: podSpec });
const selector = struct('v1.LabelSelector', { matchLabels: stringMap });
const workload = (kind: string): Struct =>
  struct(`v1.${kind}`, {
    metadata: objectMeta,
    spec: struct(`v1.${kind}Spec`, { replicas: 'int32', selector, template }),
    status: struct(`v1.${kind}Status`, {
      conditions: conditions(kind),
      replicas: 'int32',
      readyReplicas: 'int32',
      availableReplicas: 'int32',
      updatedReplicas: 'int32',
      unavailableReplicas: 'int32',
      currentNumberScheduled: 'int32',
      desiredNumberScheduled: 'int32',
      numberReady: 'int32',
      numberUnavailable: 'int32',
    }),
  });

const kinds: Record<string, Struct> = {
  Pod: struct('v1.Pod', { metadata: objectMeta, spec: podSpec, status: podStatus }),
  Node: struct('v1.Node', {
    metadata: objectMeta,
    spec: struct('v1.NodeSpec', {
      unschedulable: 'bool',
      podCIDR: str,
      taints: list(struct('v1.Taint', { key: str, value: str, effect: str })),
    }),
    status: struct('v1.NodeStatus', {
      conditions: conditions('Node'),
      addresses: list(struct('v1.NodeAddress', { type: str, address: str })),
      nodeInfo: struct('v1.NodeSystemInfo', {
        kubeletVersion: str,
        containerRuntimeVersion: str,
        osImage: str,
        kernelVersion: str,
      }),
    }),
  }),
  Deployment: workload('Deployment'),
  ReplicaSet: workload('ReplicaSet'),
  StatefulSet: workload('StatefulSet'),
  DaemonSet: workload('DaemonSet'),
  Job: struct('v1.Job', {
    metadata: objectMeta,
    spec: struct('v1.JobSpec', {
      parallelism: 'int32',
      completions: 'int32',
      backoffLimit: 'int32',
      selector,
      template,
    }),
    status: struct('v1.JobStatus', {
      conditions: conditions('Job'),
      active: 'int32',
      succeeded: 'int32',
      failed: 'int32',
    }),
  }),
  Event: struct('v1.Event', {
    metadata: objectMeta,
    involvedObject: struct('v1.ObjectReference', { kind: str, namespace: str, name: str, uid: str, fieldPath: str }),
    reason: str,
    message: str,
    type: str,
    count: 'int32',
    firstTimestamp: time,
    lastTimestamp: time,
    source: struct('v1.EventSource', { component: str, host: str }),
  }),
  ConfigMap: struct('v1.ConfigMap', { metadata: objectMeta, data: stringMap, immutable: 'bool' }),
  Service: struct('v1.Service', {
    metadata: objectMeta,
    spec: struct('v1.ServiceSpec', {
      type: str,
      clusterIP: str,
      selector: stringMap,
      ports: list(struct('v1.ServicePort', { name: str, protocol: str, port: 'int32' })),
    }),
  }),
  Endpoints: struct('v1.Endpoints', {
    metadata: objectMeta,
    subsets: list(
      struct('v1.EndpointSubset', {
        addresses: list(struct('v1.EndpointAddress', { ip: str, hostname: str, nodeName: str })),
        notReadyAddresses: list(struct('v1.EndpointAddress', { ip: str, hostname: str, nodeName: str })),
        ports: list(struct('v1.EndpointPort', { name: str, port: 'int32', protocol: str })),
      }),
    ),
  }),
  PersistentVolumeClaim: struct('v1.PersistentVolumeClaim', {
    metadata: objectMeta,
    spec: struct('v1.PersistentVolumeClaimSpec', { volumeName: str, storageClassName: str, accessModes: strings }),
    status: struct('v1.PersistentVolumeClaimStatus', { phase: str, conditions: conditions('PersistentVolumeClaim') }),
  }),
  Lease: struct('v1.Lease', {
    metadata: objectMeta,
    spec: struct('v1.LeaseSpec', { holderIdentity: str, leaseDurationSeconds: 'int32', renewTime: time }),
  }),
  Namespace: struct('v1.Namespace', { metadata: objectMeta, status: struct('v1.NamespaceStatus', { phase: str }) }),
};

/** Go's name for a JSON value's type in its decode errors. */
function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** One field whose value does not fit: where, and the decode error kube-apiserver writes for it. */
export interface ShapeProblem {
  /** `spec.containers[0].name` */
  field: string;
  /** `json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container` */
  message: string;
}

const goLeaf: Record<Exclude<Leaf, 'time'>, string> = {
  string: 'string',
  bool: 'bool',
  int32: 'int32',
  int64: 'int64',
};

function goTypeOf(shape: Shape): string {
  if (typeof shape === 'string') return shape === 'time' ? 'string' : goLeaf[shape];
  if ('list' in shape) return `[]${goTypeOf(shape.list)}`;
  if ('map' in shape) return 'map[string]string';
  return shape.go;
}

function check(value: unknown, shape: Shape, owner: string, jsonPath: string, field: string): ShapeProblem | undefined {
  // Go decodes null into any field as its zero value.
  if (value === null || value === undefined) return undefined;
  const wrong = (what = jsonType(value)): ShapeProblem => {
    // A time is decoded by metav1.Time's own UnmarshalJSON, through a plain string.
    if (shape === 'time') return { field, message: `json: cannot unmarshal ${what} into Go value of type string` };
    return {
      field,
      message: `json: cannot unmarshal ${what} into Go struct field ${owner}.${jsonPath} of type ${goTypeOf(shape)}`,
    };
  };
  if (typeof shape === 'string') {
    if (shape === 'string' || shape === 'time') return typeof value === 'string' ? undefined : wrong();
    if (shape === 'bool') return typeof value === 'boolean' ? undefined : wrong();
    if (typeof value !== 'number') return wrong();
    const max = shape === 'int32' ? 2 ** 31 : 2 ** 63;
    return Number.isInteger(value) && value >= -max && value < max ? undefined : wrong(`number ${String(value)}`);
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) return wrong();
    for (const [i, item] of (value as unknown[]).entries()) {
      const p = check(item, shape.list, owner, jsonPath, `${field}[${i}]`);
      if (p) return p;
    }
    return undefined;
  }
  if ('map' in shape) {
    if (typeof value !== 'object' || Array.isArray(value)) return wrong();
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== null && typeof v !== 'string')
        return {
          field: `${field}[${k}]`,
          message: `json: cannot unmarshal ${jsonType(v)} into Go struct field ${owner}.${jsonPath} of type string`,
        };
    }
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return wrong();
  const name = shape.go.replace(/^v1\./, '');
  for (const [key, child] of Object.entries(shape.fields)) {
    if (!Object.hasOwn(value, key)) continue;
    const p = check(
      (value as Record<string, unknown>)[key],
      child,
      name,
      jsonPath ? `${jsonPath}.${key}` : key,
      field ? `${field}.${key}` : key,
    );
    if (p) return p;
  }
  return undefined;
}

/** The first field of an object of this kind whose value the Go types would not decode; undefined when it fits (or the kind is not known here). */
export function shapeProblem(kind: string, obj: unknown): ShapeProblem | undefined {
  const shape = kinds[kind];
  if (!shape) return undefined;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
    return { field: '', message: `json: cannot unmarshal ${jsonType(obj)} into Go value of type ${shape.go}` };
  return check(obj, shape, '', '', '');
}

/** The kind a list's items have (`PodList` → `Pod`). */
export function itemKind(listKind: unknown): string | undefined {
  return typeof listKind === 'string' && listKind.endsWith('List') ? listKind.slice(0, -4) : undefined;
}
