/**
 * How a Service port reaches a pod, as the endpoints controllers resolve it
 * (k8s.io/kubernetes pkg/api/v1/pod FindPort): a numeric targetPort is used
 * as is, a named one is the container port of that name and protocol; a
 * missing targetPort is the port itself (API defaulting). Shared by the
 * checks and the drill's controller and probe pod.
 */
export interface ContainerPortView {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface PodPortsView {
  spec?: { containers?: { name?: string; ports?: ContainerPortView[] | null }[] | null } | null;
}

export interface ServicePortView {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string | null;
}

/** The pod port the traffic goes to, or undefined when a named targetPort names no container port of the pod. */
export function findPort(pod: PodPortsView, sp: ServicePortView): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = sp.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** Every port the pod's containers declare, as `name/number/protocol` for evidence. */
export function declaredPorts(pod: PodPortsView): ContainerPortView[] {
  return (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
}

/**
 * Whether something listens on a pod port, as far as the API can tell: the
 * containers declare their ports. A pod that declares none tells nothing
 * (declaring is optional), so undefined.
 */
export function declaresPort(pod: PodPortsView, port: number, protocol = 'TCP'): boolean | undefined {
  const ports = declaredPorts(pod);
  if (ports.length === 0) return undefined;
  return ports.some((p) => p.containerPort === port && (p.protocol ?? 'TCP') === protocol);
}
