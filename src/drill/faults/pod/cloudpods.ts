import type { Container } from 'kubernetes-types/core/v1.js';
import { z } from 'zod';
import type { KubeObject } from '../../types.js';
import type { FaultContext } from '../types.js';
import { createWorkload, nodeIP, pickNode, safeName } from './workload.js';
import { ago, scheduledEvent, setPodStatus } from './podStatus.js';
import type { BuiltWorkload, Json } from './workload.js';
import type { ContainerState } from './podStatus.js';

/**
 * The Cloudpods host DaemonSet (`default-host` in `onecloud`): one pod per
 * hypervisor node with the containers host, ovn-controller and sdnagent, on
 * the host network, as the Cloudpods operator deploys it.
 */

export const cloudpodsVersion = 'v3.11.4';
const registry = 'registry.cn-beijing.aliyuncs.com/yunionio';
export const images = {
  host: `${registry}/host:${cloudpodsVersion}`,
  'ovn-controller': `${registry}/openvswitch:${cloudpodsVersion}`,
  sdnagent: `${registry}/sdnagent:${cloudpodsVersion}`,
} as const;
export type CloudpodsContainer = keyof typeof images;

export const cloudpodsParams = {
  namespace: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .default('onecloud'),
  /** The DaemonSet. */
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .default('default-host'),
  /** The pod's name; default default-host-<5 random characters>. */
  pod: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]*$/)
    .optional(),
  /** The hypervisor node (default: the first Ready worker); it gets the label onecloud.yunion.io/host=enable. */
  node: z.string().optional(),
};

export interface CloudpodsPod {
  namespace: string;
  name: string;
  pod?: string;
  node?: string;
  /** How old the pod is, in seconds. */
  ageSeconds: number;
  /** Probes per container (the host container's liveness probe, ovn-controller's readiness probe). */
  probes?: Partial<Record<CloudpodsContainer, Partial<Container>>>;
  /** Each container's status; unset ones run ready since the pod started. */
  states?: Partial<Record<CloudpodsContainer, Omit<ContainerState, 'name' | 'image'>>>;
  readyChanged?: string;
}

export interface BuiltCloudpods extends BuiltWorkload {
  node: KubeObject;
  nodeIP: string;
}

export function applyCloudpodsPod(ctx: FaultContext, c: CloudpodsPod): BuiltCloudpods {
  const node = pickNode(ctx, c.node);
  node.metadata.labels = { ...(node.metadata.labels ?? {}), 'onecloud.yunion.io/host': 'enable' };
  const ip = nodeIP(node);
  const started = ago(c.ageSeconds);
  const mounts = (names: string[]) =>
    names.map((n) => ({ name: n, mountPath: n === 'etc-yunion' ? '/etc/yunion' : n === 'run' ? '/var/run' : `/${n}` }));
  const container = (name: CloudpodsContainer, extra: Partial<Container>): Container => ({
    name,
    image: images[name],
    securityContext: { privileged: true },
    ...(c.probes?.[name] ?? {}),
    ...extra,
  });
  const w = createWorkload(ctx, {
    namespace: c.namespace,
    kind: 'DaemonSet',
    name: c.name,
    podName: c.pod ?? `${c.name}-${safeName(5, 'cloudpods', c.namespace, c.name, node.metadata.name)}`,
    labels: {
      'app.kubernetes.io/component': 'host',
      'app.kubernetes.io/instance': c.name.replace(/-host$/, ''),
      'app.kubernetes.io/name': 'host',
      app: c.name,
    },
    containers: [
      container('host', {
        command: [
          '/opt/yunion/bin/host',
          '--common-config-file',
          '/etc/yunion/common/common.conf',
          '--config',
          '/etc/yunion/host.conf',
        ],
        resources: { requests: { cpu: '10m', memory: '10Mi' } },
        volumeMounts: mounts(['etc-yunion', 'run', 'opt/cloud', 'dev', 'sys']),
      }),
      container('ovn-controller', {
        command: ['sh', '-c', 'ovn-controller --pidfile --log-file unix:/var/run/openvswitch/db.sock'],
        resources: { requests: { cpu: '10m', memory: '10Mi' } },
        volumeMounts: mounts(['run', 'etc-yunion']),
      }),
      container('sdnagent', {
        command: ['/opt/yunion/bin/sdnagent', '--config', '/etc/yunion/host.conf'],
        resources: { requests: { cpu: '10m', memory: '10Mi' } },
        volumeMounts: mounts(['etc-yunion', 'run']),
      }),
    ],
    podSpec: {
      hostNetwork: true,
      hostPID: true,
      nodeSelector: { 'onecloud.yunion.io/host': 'enable' },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchFields: [{ key: 'metadata.name', operator: 'In', values: [node.metadata.name] }] },
            ],
          },
        },
      },
      tolerations: [
        { key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' },
        { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
      ],
      volumes: [
        { name: 'etc-yunion', hostPath: { path: '/etc/yunion', type: '' } },
        { name: 'run', hostPath: { path: '/var/run', type: '' } },
        { name: 'opt/cloud', hostPath: { path: '/opt/cloud', type: '' } },
        { name: 'dev', hostPath: { path: '/dev', type: '' } },
        { name: 'sys', hostPath: { path: '/sys', type: '' } },
      ].map((v) => ({ ...v, name: v.name.replace('/', '-') })),
    },
    created: ago(c.ageSeconds + 30 * 86400),
    podCreated: started,
    priorityClassName: 'system-node-critical',
  });
  // Mount names cannot hold a slash either.
  for (const ct of ((w.pod.spec as Json).containers ?? []) as Json[]) {
    for (const m of (ct.volumeMounts ?? []) as Json[]) m.name = String(m.name).replace('/', '-');
  }
  const running = (): Omit<ContainerState, 'name' | 'image'> => ({
    pulled: true,
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: ctx.at(started) } },
  });
  setPodStatus(ctx, w.pod, {
    node,
    phase: 'Running',
    started,
    hostNetwork: true,
    ...(c.readyChanged ? { readyChanged: c.readyChanged } : {}),
    containers: (Object.keys(images) as CloudpodsContainer[]).map((name) => ({
      name,
      image: images[name],
      ...(c.states?.[name] ?? running()),
    })),
  });
  scheduledEvent(ctx, w.pod, node.metadata.name, started);
  return { ...w, node, nodeIP: ip };
}

/** yunion.io/x/log's prefix: `[info 2025-10-22 04:44:25 caller] `; before the common config is read it prints the short date `251022`. */
export function ylog(
  ctx: FaultContext,
  secondsAgo: number,
  level: 'info' | 'warning' | 'error' | 'fatal',
  caller: string,
  message: string,
  short = false,
): string {
  const t = new Date(ctx.now.getTime() - Math.round(secondsAgo) * 1000).toISOString();
  const date = short ? `${t.slice(2, 4)}${t.slice(5, 7)}${t.slice(8, 10)}` : t.slice(0, 10);
  return `${ago(secondsAgo)} [${level} ${date} ${t.slice(11, 19)} ${caller}] ${message}`;
}

/** What the host service prints in its first second, up to reading its configuration. */
export function hostPreamble(ctx: FaultContext, start: number, node: KubeObject, ip: string): string[] {
  const hostId = `${safeName(27, 'hostid', node.metadata.name)}=`;
  const t = new Date(ctx.now.getTime() - start * 1000).toISOString();
  return [
    ylog(
      ctx,
      start,
      'info',
      'procutils.WaitZombieLoop(zombie_others.go:36)',
      'My pid is not 1 and no need to wait zombies',
      true,
    ),
    ylog(
      ctx,
      start,
      'info',
      'options.parseOptions(options.go:354)',
      'Use configuration file: /etc/yunion/host.conf',
      true,
    ),
    ylog(ctx, start, 'info', 'options.parseOptions(options.go:377)', 'Set log level to "info"', true),
    ylog(
      ctx,
      start,
      'info',
      'options.parseOptions(options.go:354)',
      'Use configuration file: /etc/yunion/common/common.conf',
    ),
    ylog(ctx, start, 'info', 'options.parseOptions(options.go:377)', 'Set log level to "info"'),
    ylog(
      ctx,
      start,
      'info',
      'hostman.(*SHostService).InitService(host_services.go:71)',
      'exec socket path: /var/run/onecloud/exec.sock',
    ),
    ylog(ctx, start, 'info', 'app.InitApp(app.go:32)', 'RequestWorkerCount: 8'),
    ylog(
      ctx,
      start,
      'info',
      'appsrv.NewApplication(appsrv.go:122)',
      `App hostId: ${hostId} (host,${node.metadata.name},${ip})`,
    ),
    `${ago(start)} ${t.slice(0, 10).replace(/-/g, '/')} ${t.slice(11, 19)} Allow hosts []`,
    ylog(
      ctx,
      start - 1,
      'info',
      'hostinfo.(*SHostInfo).prepareEnv(hostinfo.go:360)',
      'I/O Scheduler switch to mq-deadline',
    ),
  ];
}
