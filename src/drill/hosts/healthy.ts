import { createHash } from 'node:crypto';
import type { DrillHosts, DrillResponse } from '../../nodeaccess/drill.js';
import { commands, controlPlaneUnitProps, controlPlaneUnits, kubeletProps, serviceProps } from './commands.js';
import { iostatCpu, procStatSamples, topBatch } from './cpu.js';
import type { TopProcess } from './cpu.js';
import type { CpuLoad } from './cpu.js';
import {
  ctime,
  dfTable,
  journalLine,
  kernelLine,
  klog,
  listUnitsTable,
  notFoundUnit,
  opensslTime,
  psTable,
  ssListen,
  systemctlShow,
  systemdTable,
  systemdTime,
} from './format.js';
import { selfSignedCertificate } from '../apiserver/tls.js';
import type { Listener, Process } from './format.js';

/** A node of the drill as its host sees itself. */
export interface HostNode {
  name: string;
  role: 'control-plane' | 'worker';
  ip: string;
}

export const kernelRelease = '6.1.0-28-amd64';
const day = 86400;

/** The numbers that make one node's host itself: stable for a name, consistent with the drill clock. */
export interface HostIdentity {
  node: HostNode;
  now: Date;
  seed: number;
  uptimeSeconds: number;
  bootTime: Date;
  pids: {
    dbus: number;
    logind: number;
    chronyd: number;
    sshd: number;
    containerd: number;
    kubelet: number;
    kubeProxy: number;
  };
  /** When systemd started containerd and the kubelet (seconds after boot). */
  containerdStart: Date;
  kubeletStart: Date;
}

export function hostIdentity(node: HostNode, now: Date): HostIdentity {
  const seed = createHash('sha1').update(node.name).digest().readUInt32BE(0);
  // Between 12 and 60 days since the last reboot: kernels get patched.
  const uptimeSeconds = (12 + (seed % 48)) * day + (seed % 86_000);
  const bootTime = new Date(now.getTime() - uptimeSeconds * 1000);
  const after = (s: number) => new Date(bootTime.getTime() + s * 1000);
  const jitter = seed % 40;
  return {
    node,
    now,
    seed,
    uptimeSeconds,
    bootTime,
    pids: {
      dbus: 598 + (jitter % 9),
      logind: 640 + jitter,
      chronyd: 671 + jitter,
      sshd: 702 + jitter,
      containerd: 884 + jitter,
      kubelet: 1151 + jitter * 3,
      kubeProxy: 2387 + jitter * 5,
    },
    containerdStart: after(6),
    kubeletStart: after(11),
  };
}

export const healthyCpu: Pick<CpuLoad, 'sinceBoot' | 'current'> = {
  sinceBoot: { user: 0.031, system: 0.012, iowait: 0.0009, softirq: 0.0011, steal: 0.0014 },
  current: { user: 0.028, system: 0.011, iowait: 0.0, softirq: 0.002, steal: 0.0 },
};

export function cpuLoad(id: HostIdentity, share: Pick<CpuLoad, 'sinceBoot' | 'current'> = healthyCpu): CpuLoad {
  return { cpus: 4, uptimeSeconds: id.uptimeSeconds, bootTime: id.bootTime, seed: id.seed, ...share };
}

const ago = (id: HostIdentity, at: Date) => Math.max(0, Math.round((id.now.getTime() - at.getTime()) / 1000));

/** The kubelet unit as kubeadm's deb package installs it (flags come from 10-kubeadm.conf's environment). */
export function kubeletUnit(
  id: HostIdentity,
  state: {
    active: string;
    sub: string;
    result: string;
    restarts: number;
    status: number;
    pid: number;
    start: Date;
    stop?: Date;
    code?: string;
  },
): string {
  const started = systemdTime(state.start);
  const stopped = state.stop ? systemdTime(state.stop) : 'n/a';
  const code = state.code ?? (state.stop ? 'exited' : '(null)');
  const status = state.stop ? String(state.status) : '0/0';
  return systemctlShow(
    {
      Result: state.result,
      NRestarts: String(state.restarts),
      ExecMainStartTimestamp: started,
      ExecMainStatus: String(state.status),
      ExecStart: `{ path=/usr/bin/kubelet ; argv[]=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS ; ignore_errors=no ; start_time=[${started}] ; stop_time=[${stopped}] ; pid=${state.pid} ; code=${code} ; status=${status} }`,
      LoadState: 'loaded',
      ActiveState: state.active,
      SubState: state.sub,
      FragmentPath: '/lib/systemd/system/kubelet.service',
    },
    kubeletProps,
  );
}

/** /var/lib/kubelet/config.yaml as `kubeadm init/join` v1.31 writes it. */
export const kubeadmKubeletConfig = `apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: ""
cpuManagerReconcilePeriod: 0s
evictionPressureTransitionPeriod: 0s
fileCheckFrequency: 0s
healthzBindAddress: 127.0.0.1
healthzPort: 10248
httpCheckFrequency: 0s
imageMaximumGCAge: 0s
imageMinimumGCAge: 0s
kind: KubeletConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
memorySwap: {}
nodeStatusReportFrequency: 0s
nodeStatusUpdateFrequency: 0s
rotateCertificates: true
runtimeRequestTimeout: 0s
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
syncFrequency: 0s
volumeStatsAggPeriod: 0s
`;

/** `crictl info` of containerd 1.7 with a working CNI, shortened to status and the CNI part of its config. */
export const crictlInfoReady = `{
  "status": {
    "conditions": [
      {
        "type": "RuntimeReady",
        "status": true,
        "reason": "",
        "message": ""
      },
      {
        "type": "NetworkReady",
        "status": true,
        "reason": "",
        "message": ""
      }
    ]
  },
  "cniconfig": {
    "PluginDirs": [
      "/opt/cni/bin"
    ],
    "PluginConfDir": "/etc/cni/net.d",
    "PluginMaxConfNum": 1,
    "Prefix": "eth",
    "Networks": [
      {
        "Config": {
          "Name": "cni-loopback",
          "CNIVersion": "0.3.1",
          "Plugins": [
            {
              "Network": {
                "type": "loopback",
                "ipam": {},
                "dns": {}
              },
              "Source": "{\\"type\\":\\"loopback\\"}"
            }
          ],
          "Source": "{\\n\\"cniVersion\\": \\"0.3.1\\",\\n\\"name\\": \\"cni-loopback\\",\\n\\"plugins\\": [{\\n  \\"type\\": \\"loopback\\"\\n}]\\n}"
        },
        "IFName": "lo"
      }
    ]
  },
  "config": {
    "containerd": {
      "snapshotter": "overlayfs",
      "defaultRuntimeName": "runc",
      "runtimes": {
        "runc": {
          "runtimeType": "io.containerd.runc.v2",
          "options": {
            "SystemdCgroup": true
          }
        }
      }
    },
    "sandboxImage": "registry.k8s.io/pause:3.10",
    "containerdRootDir": "/var/lib/containerd",
    "containerdEndpoint": "/run/containerd/containerd.sock",
    "rootDir": "/var/lib/containerd/io.containerd.grpc.v1.cri",
    "stateDir": "/run/containerd/io.containerd.grpc.v1.cri"
  },
  "golang": "go1.22.10",
  "lastCNILoadStatus": "OK",
  "lastCNILoadStatus.default": "OK"
}
`;

const hex = (id: HostIdentity, salt: string, n = 64) =>
  createHash('sha256').update(`${id.node.name}/${salt}`).digest('hex').slice(0, n);

/** What runs on the node: systemd, D-Bus, time and ssh, containerd and its shims, the kubelet, kube-proxy and (on control planes) the static pods. */
/** What top shows on a quiet node: the kubelet, containerd and the rest sharing a few per cent of one CPU. */
export function healthyTopProcesses(id: HostIdentity): TopProcess[] {
  const busy: Record<number, number> = { [id.pids.kubelet]: 2.3, [id.pids.containerd]: 1.0, 287: 0.3 };
  return healthyProcesses(id).map((p) => ({ pid: p.pid, args: p.args, cpu: busy[p.pid] ?? 0 }));
}

export function healthyProcesses(id: HostIdentity): Process[] {
  const up = id.uptimeSeconds;
  const { pids } = id;
  const procs: Process[] = [
    { pid: 1, age: up, args: '/sbin/init' },
    { pid: 2, age: up, args: '[kthreadd]' },
    { pid: 3, age: up, args: '[rcu_gp]' },
    { pid: 4, age: up, args: '[rcu_par_gp]' },
    { pid: 14, age: up, args: '[ksoftirqd/0]' },
    { pid: 15, age: up, args: '[rcu_preempt]' },
    { pid: 45, age: up, args: '[kswapd0]' },
    { pid: 287, age: up - 2, args: '/lib/systemd/systemd-journald' },
    { pid: 318, age: up - 2, args: '/lib/systemd/systemd-udevd' },
    {
      pid: pids.dbus,
      age: up - 4,
      args: '/usr/bin/dbus-daemon --system --address=systemd: --nofork --nopidfile --systemd-activation --syslog-only',
    },
    { pid: pids.logind, age: up - 4, args: '/lib/systemd/systemd-logind' },
    { pid: pids.chronyd, age: up - 4, args: '/usr/sbin/chronyd -F 1' },
    { pid: pids.sshd, age: up - 5, args: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups' },
    { pid: pids.containerd, age: ago(id, id.containerdStart), args: '/usr/bin/containerd' },
    {
      pid: pids.kubelet,
      age: ago(id, id.kubeletStart),
      args: '/usr/bin/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10',
    },
  ];
  let pid = pids.kubelet + 150;
  const pod = (name: string, args: string) => {
    const sandbox = hex(id, name);
    const age = ago(id, id.kubeletStart) - 20;
    procs.push({
      pid: pid,
      age,
      args: `/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id ${sandbox} -address /run/containerd/containerd.sock`,
    });
    procs.push({ pid: pid + 21, age, args: '/pause' });
    procs.push({ pid: pid + 63, age: age - 1, args });
    pid += 97;
  };
  if (id.node.role === 'control-plane') {
    const ip = id.node.ip;
    pod(
      'etcd',
      `etcd --advertise-client-urls=https://${ip}:2379 --cert-file=/etc/kubernetes/pki/etcd/server.crt --client-cert-auth=true --data-dir=/var/lib/etcd --experimental-initial-corrupt-check=true --experimental-watch-progress-notify-interval=5s --initial-advertise-peer-urls=https://${ip}:2380 --initial-cluster=${id.node.name}=https://${ip}:2380 --key-file=/etc/kubernetes/pki/etcd/server.key --listen-client-urls=https://127.0.0.1:2379,https://${ip}:2379 --listen-metrics-urls=http://127.0.0.1:2381 --listen-peer-urls=https://${ip}:2380 --name=${id.node.name} --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt --peer-client-cert-auth=true --peer-key-file=/etc/kubernetes/pki/etcd/peer.key --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt --snapshot-count=10000 --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt`,
    );
    pod(
      'kube-apiserver',
      `kube-apiserver --advertise-address=${ip} --allow-privileged=true --authorization-mode=Node,RBAC --client-ca-file=/etc/kubernetes/pki/ca.crt --enable-admission-plugins=NodeRestriction --enable-bootstrap-token-auth=true --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key --etcd-servers=https://127.0.0.1:2379 --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname --secure-port=6443 --service-account-issuer=https://kubernetes.default.svc.cluster.local --service-cluster-ip-range=10.96.0.0/12 --tls-cert-file=/etc/kubernetes/pki/apiserver.crt --tls-private-key-file=/etc/kubernetes/pki/apiserver.key`,
    );
    pod(
      'kube-controller-manager',
      'kube-controller-manager --allocate-node-cidrs=true --authentication-kubeconfig=/etc/kubernetes/controller-manager.conf --authorization-kubeconfig=/etc/kubernetes/controller-manager.conf --bind-address=127.0.0.1 --client-ca-file=/etc/kubernetes/pki/ca.crt --cluster-cidr=10.244.0.0/16 --cluster-name=kubernetes --controllers=*,bootstrapsigner,tokencleaner --kubeconfig=/etc/kubernetes/controller-manager.conf --leader-elect=true --service-cluster-ip-range=10.96.0.0/12 --use-service-account-credentials=true',
    );
    pod(
      'kube-scheduler',
      'kube-scheduler --authentication-kubeconfig=/etc/kubernetes/scheduler.conf --authorization-kubeconfig=/etc/kubernetes/scheduler.conf --bind-address=127.0.0.1 --kubeconfig=/etc/kubernetes/scheduler.conf --leader-elect=true',
    );
  }
  pod(
    'kube-proxy',
    `/usr/local/bin/kube-proxy --config=/var/lib/kube-proxy/config.conf --hostname-override=${id.node.name}`,
  );
  procs.push({ pid: pids.kubeProxy + 40_000 + (id.seed % 9000), age: 0, args: 'ps -eo pid,etimes,args' });
  return procs;
}

/** The TCP listeners of a healthy node. */
export function healthyListeners(id: HostIdentity): Listener[] {
  const { pids } = id;
  const cp = id.node.role === 'control-plane';
  const base = pids.kubelet + 150;
  const podPid = (i: number) => base + i * 97 + 63;
  const v4: Listener[] = [
    { addr: '127.0.0.1', port: 10248, backlog: 4096, process: 'kubelet', pid: pids.kubelet, fd: 17 },
    { addr: '127.0.0.1', port: 10249, backlog: 4096, process: 'kube-proxy', pid: podPid(cp ? 4 : 0), fd: 10 },
    {
      addr: '127.0.0.1',
      port: 33000 + (id.seed % 20000),
      backlog: 4096,
      process: 'containerd',
      pid: pids.containerd,
      fd: 11,
    },
    { addr: '0.0.0.0', port: 22, backlog: 128, process: 'sshd', pid: pids.sshd, fd: 3 },
  ];
  if (cp) {
    v4.push(
      { addr: '127.0.0.1', port: 2379, backlog: 4096, process: 'etcd', pid: podPid(0), fd: 8 },
      { addr: id.node.ip, port: 2379, backlog: 4096, process: 'etcd', pid: podPid(0), fd: 9 },
      { addr: id.node.ip, port: 2380, backlog: 4096, process: 'etcd', pid: podPid(0), fd: 7 },
      { addr: '127.0.0.1', port: 2381, backlog: 4096, process: 'etcd', pid: podPid(0), fd: 14 },
      { addr: '127.0.0.1', port: 10257, backlog: 4096, process: 'kube-controller', pid: podPid(2), fd: 3 },
      { addr: '127.0.0.1', port: 10259, backlog: 4096, process: 'kube-scheduler', pid: podPid(3), fd: 3 },
    );
  }
  const v6: Listener[] = [
    { addr: '*', port: 10250, backlog: 4096, process: 'kubelet', pid: pids.kubelet, fd: 24 },
    { addr: '*', port: 10256, backlog: 4096, process: 'kube-proxy', pid: podPid(cp ? 4 : 0), fd: 9 },
    { addr: '[::]', port: 22, backlog: 128, process: 'sshd', pid: pids.sshd, fd: 4 },
  ];
  if (cp) v6.push({ addr: '*', port: 6443, backlog: 4096, process: 'kube-apiserver', pid: podPid(1), fd: 3 });
  return [...v4, ...v6];
}

/** The kubelet's routine lines over the last 15 minutes (klog at the default verbosity): nothing a check would flag. */
export function healthyKubeletJournal(id: HostIdentity): string {
  const lines: string[] = [];
  const host = id.node.name;
  const pid = id.pids.kubelet;
  for (let minute = 14; minute >= 1; minute -= 3) {
    const t = new Date(id.now.getTime() - (minute * 60 + (id.seed % 50)) * 1000);
    if (id.node.role === 'control-plane') {
      ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].forEach((c, i) => {
        lines.push(
          journalLine(
            t,
            host,
            'kubelet',
            pid,
            klog(
              'I',
              t,
              pid,
              'kubelet_getters.go:218',
              `"Pod status updated" pod="kube-system/${c}-${host}" status="Running"`,
              (id.seed + minute * 7919 + i * 173) % 1e6,
            ),
          ),
        );
      });
    } else {
      lines.push(
        journalLine(
          t,
          host,
          'kubelet',
          pid,
          klog(
            'I',
            t,
            pid,
            'scope.go:117',
            `"RemoveContainer" containerID="${hex(id, `gc-${minute}`)}"`,
            (id.seed + minute * 7919) % 1e6,
          ),
        ),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** kube-proxy's iptables rules (filter and nat) for the kubernetes Service, as iptables-nft 1.8.9 saves them. */
/** Rules a host firewall (firewalld with its iptables backend) adds to the filter table. */
export interface FirewallRules {
  chains: string[];
  /** Jumps at the top of INPUT, before kube-proxy's. */
  input: string[];
  /** The firewall's own chains' rules. */
  rules: string[];
}

/** kube-proxy's rules for the cluster's other Services (src/drill/hosts/kubeProxy.ts). */
export interface ServiceRuleLines {
  natChains: string[];
  nat: string[];
  filter: string[];
  /** The same ports as IPVS virtual servers and their real servers (ipvsadm -Ln lines). */
  ipvs?: string[];
}

/** A real server line in ipvsadm's columns (`  -> %-28s %-7s %-6d %-10u %-10u`, as test/fixtures/kube-proxy/ipvsadm-L-names-kube-router-415.txt shows them). */
export function ipvsDestination(ip: string, port: number): string {
  return `  -> ${`${ip}:${port}`.padEnd(28)} ${'Masq'.padEnd(7)} ${'1'.padEnd(6)} ${'0'.padEnd(10)} 0`;
}

/**
 * ipvsadm -Ln on a node whose kube-proxy programs IPVS: ipvsadm's header, the
 * kubernetes Service's virtual server to the API servers, then the others.
 * Only ClusterIPs: kube-proxy's NodePort and LoadBalancer entries are left out.
 */
export function healthyIpvsadm(
  controlPlaneIPs: readonly string[],
  nodeIP: string,
  services?: ServiceRuleLines,
): string {
  const eps = controlPlaneIPs.length > 0 ? controlPlaneIPs : [nodeIP];
  return `${['IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port Scheduler Flags', `  -> ${'RemoteAddress:Port'.padEnd(28)} Forward Weight ActiveConn InActConn`, 'TCP  10.96.0.1:443 rr', ...eps.map((ip) => ipvsDestination(ip, 6443)), ...(services?.ipvs ?? [])].join('\n')}\n`;
}

export function healthyIptables(
  id: HostIdentity,
  controlPlaneIPs: readonly string[],
  firewall?: FirewallRules,
  services?: ServiceRuleLines,
): string {
  const stamp = ctime(id.now);
  const sep = (ip: string) =>
    `KUBE-SEP-${base32(createHash('sha256').update(`default/kubernetes:httpstcp${ip}:6443`).digest()).slice(0, 16)}`;
  const svc = 'KUBE-SVC-NPX46M4PTMTKRN6Y';
  const eps = controlPlaneIPs.length > 0 ? controlPlaneIPs : [id.node.ip];
  const balance = eps.map((ip, i) => {
    const left = eps.length - i;
    const prob = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(11)}` : '';
    return `-A ${svc} -m comment --comment "default/kubernetes:https -> ${ip}:6443"${prob} -j ${sep(ip)}`;
  });
  return [
    `# Generated by iptables-save v1.8.9 (nf_tables) on ${stamp}`,
    '*mangle',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':KUBE-IPTABLES-HINT - [0:0]',
    ':KUBE-KUBELET-CANARY - [0:0]',
    ':KUBE-PROXY-CANARY - [0:0]',
    'COMMIT',
    `# Completed on ${stamp}`,
    `# Generated by iptables-save v1.8.9 (nf_tables) on ${stamp}`,
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ...[
      ...(firewall?.chains ?? []),
      'KUBE-EXTERNAL-SERVICES',
      'KUBE-FIREWALL',
      'KUBE-FORWARD',
      'KUBE-KUBELET-CANARY',
      'KUBE-NODEPORTS',
      'KUBE-PROXY-CANARY',
      'KUBE-PROXY-FIREWALL',
      'KUBE-SERVICES',
    ]
      .sort()
      .map((c) => `:${c} - [0:0]`),
    ...(firewall?.input ?? []),
    '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
    '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
    '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
    '-A INPUT -j KUBE-FIREWALL',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
    '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
    '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
    '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -j KUBE-FIREWALL',
    '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    ...(services?.filter ?? []),
    ...(firewall?.rules ?? []),
    'COMMIT',
    `# Completed on ${stamp}`,
    `# Generated by iptables-save v1.8.9 (nf_tables) on ${stamp}`,
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':KUBE-KUBELET-CANARY - [0:0]',
    ':KUBE-MARK-MASQ - [0:0]',
    ':KUBE-NODEPORTS - [0:0]',
    ':KUBE-POSTROUTING - [0:0]',
    ':KUBE-PROXY-CANARY - [0:0]',
    ...eps.map((ip) => `:${sep(ip)} - [0:0]`),
    ':KUBE-SERVICES - [0:0]',
    `:${svc} - [0:0]`,
    ...(services?.natChains ?? []).map((c) => `:${c} - [0:0]`),
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
    '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
    '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
    '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    ...eps.flatMap((ip) => [
      `-A ${sep(ip)} -s ${ip}/32 -m comment --comment "default/kubernetes:https" -j KUBE-MARK-MASQ`,
      `-A ${sep(ip)} -p tcp -m comment --comment "default/kubernetes:https" -m tcp -j DNAT --to-destination ${ip}:6443`,
    ]),
    `-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j ${svc}`,
    ...(services?.nat ?? []),
    '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
    `-A ${svc} ! -s 10.244.0.0/16 -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-MARK-MASQ`,
    ...balance,
    'COMMIT',
    `# Completed on ${stamp}`,
    '',
  ].join('\n');
}

/** kube-proxy names its chains with base32 of a SHA-256 (RFC 4648 alphabet). */
export function base32(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** The root filesystem (the kubelet's and containerd's directories live on it): 98 GiB ext4, 5% reserved. */
export const rootDisk = { device: '/dev/vda1', sizeKiB: 102687672, inodes: 6422528 };

export function dfAnswers(
  usedFraction: number,
  inodeFraction: number,
): { blocks: DrillResponse; inodes: DrillResponse } {
  const reserved = Math.round(rootDisk.sizeKiB * 0.05);
  const used = Math.round(rootDisk.sizeKiB * usedFraction);
  const avail = Math.max(0, rootDisk.sizeKiB - reserved - used);
  const iused = Math.round(rootDisk.inodes * inodeFraction);
  const row = { device: rootDisk.device, size: rootDisk.sizeKiB, used, avail, mount: '/' };
  const irow = {
    device: rootDisk.device,
    size: rootDisk.inodes,
    used: iused,
    avail: rootDisk.inodes - iused,
    mount: '/',
  };
  return { blocks: { stdout: dfTable([row, row], false) }, inodes: { stdout: dfTable([irow, irow], true) } };
}

export function opensslEnddate(notAfter: Date): DrillResponse {
  return { stdout: `notAfter=${opensslTime(notAfter)}\n` };
}

/** `chronyc tracking` of a chronyd locked to its pool server. */
export function chronyTracking(
  id: HostIdentity,
  o: { systemOffset: number; lastOffset: number; synchronised: boolean },
): DrillResponse {
  const source = `10.0.0.${2 + (id.seed % 3)}`;
  const refHex = source
    .split('.')
    .map((n) => Number(n).toString(16).padStart(2, '0').toUpperCase())
    .join('');
  const ref = o.synchronised ? new Date(id.now.getTime() - (20 + (id.seed % 40)) * 1000) : new Date(0);
  const dir = o.systemOffset >= 0 ? 'fast' : 'slow';
  const secs = (n: number) => `${n.toFixed(9)} seconds`;
  return {
    stdout: [
      `Reference ID    : ${o.synchronised ? `${refHex} (${source})` : '00000000 ()'}`,
      `Stratum         : ${o.synchronised ? 3 : 0}`,
      `Ref time (UTC)  : ${ctime(ref)}`,
      `System time     : ${Math.abs(o.systemOffset).toFixed(9)} seconds ${dir} of NTP time`,
      `Last offset     : ${o.lastOffset >= 0 ? '+' : '-'}${secs(Math.abs(o.lastOffset))}`,
      `RMS offset      : ${secs(o.synchronised ? 0.000031417 : Math.abs(o.lastOffset))}`,
      `Frequency       : ${(3 + (id.seed % 900) / 100).toFixed(3)} ppm slow`,
      `Residual freq   : ${o.synchronised ? '-0.001' : '+0.000'} ppm`,
      `Skew            : ${o.synchronised ? '0.041' : '0.000'} ppm`,
      `Root delay      : ${secs(o.synchronised ? 0.001012345 : 1)}`,
      `Root dispersion : ${secs(o.synchronised ? 0.000391004 : 1)}`,
      `Update interval : ${o.synchronised ? '64.4' : '0.0'} seconds`,
      `Leap status     : ${o.synchronised ? 'Normal' : 'Not synchronised'}`,
      '',
    ].join('\n'),
  };
}

/** `timedatectl show`: the node's clock (skewed by `offsetSeconds`) and whether the kernel counts it synchronised. */
export function timedatectlShow(id: HostIdentity, synchronized: boolean, offsetSeconds = 0): DrillResponse {
  const clock = new Date(id.now.getTime() + offsetSeconds * 1000);
  return {
    stdout: `Timezone=Etc/UTC\nLocalRTC=no\nCanNTP=yes\nNTP=yes\nNTPSynchronized=${synchronized ? 'yes' : 'no'}\nTimeUSec=${systemdTime(clock)}\nRTCTimeUSec=${systemdTime(clock)}\n`,
  };
}

/** The kernel's last lines on a quiet node: pod network interfaces coming and going, nothing about memory, disks or hung tasks. */
export function healthyKernelLog(id: HostIdentity): string {
  const host = id.node.name;
  const lines: string[] = [];
  for (let minute = 50; minute >= 5; minute -= 15) {
    const t = new Date(id.now.getTime() - (minute * 60 + (id.seed % 50)) * 1000);
    const veth = `veth${hex(id, `veth-${minute}`, 8)}`;
    lines.push(kernelLine(t, host, `cni0: port 3(${veth}) entered blocking state`));
    lines.push(kernelLine(t, host, `cni0: port 3(${veth}) entered forwarding state`));
    lines.push(
      kernelLine(new Date(t.getTime() + 1000), host, `IPv6: ADDRCONF(NETDEV_CHANGE): ${veth}: link becomes ready`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The units of a kubeadm node, as `systemctl list-units --all --no-legend` lists them. */
export function kubeadmUnits(): string {
  return listUnitsTable([
    { unit: 'kubelet.service', active: 'active', sub: 'running', description: 'kubelet: The Kubernetes Node Agent' },
    { unit: 'containerd.service', active: 'active', sub: 'running', description: 'containerd container runtime' },
  ]);
}

/** containerd's own routine lines beside the kubelet's, interleaved by time as journalctl prints several units. */
export function healthyServiceJournals(id: HostIdentity): string {
  const host = id.node.name;
  const kubelet = healthyKubeletJournal(id)
    .split('\n')
    .filter((l) => l !== '');
  const t = new Date(id.now.getTime() - (16 * 60 + (id.seed % 50)) * 1000);
  const stamp = t
    .toISOString()
    .replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}${String(id.seed % 1_000_000).padStart(6, '0')}Z`);
  const containerd = journalLine(
    t,
    host,
    'containerd',
    id.pids.containerd,
    `time="${stamp}" level=info msg="RemoveContainer for \\"${hex(id, 'gc-containerd')}\\" returns successfully"`,
  );
  return `${[containerd, ...kubelet].join('\n')}\n`;
}

/** /etc/kubernetes/kubelet.conf as kubeadm (1.17+) leaves it after the first rotation: the CA embedded, the client certificate by path. */
export function kubeadmKubeletConf(nodeName: string, apiserver: string, caPem: string): string {
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}`,
    `    server: https://${apiserver}:6443`,
    '  name: kubernetes',
    'contexts:',
    '- context:',
    '    cluster: kubernetes',
    `    user: system:node:${nodeName}`,
    `  name: system:node:${nodeName}@kubernetes`,
    `current-context: system:node:${nodeName}@kubernetes`,
    'kind: Config',
    'preferences: {}',
    'users:',
    `- name: system:node:${nodeName}`,
    '  user:',
    '    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem',
    '    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem',
    '',
  ].join('\n');
}

/** Everything a healthy node answers. */
export function healthyHost(
  node: HostNode,
  now: Date,
  controlPlaneIPs: readonly string[],
  services?: () => ServiceRuleLines,
  clusterCA?: string,
): Record<string, DrillResponse | readonly DrillResponse[]> {
  const id = hostIdentity(node, now);
  const { pids } = id;
  const cp = node.role === 'control-plane';
  const load = cpuLoad(id);
  const df = dfAnswers(0.17 + (id.seed % 12) / 100, 0.03 + (id.seed % 4) / 100);
  const busyName = 40_000 + (id.seed % 60_000);
  const bus = systemdTable(
    [
      ['NAME', 'PID', 'PROCESS', 'USER', 'CONNECTION', 'UNIT', 'SESSION', 'DESCRIPTION'],
      [':1.0', '1', 'systemd', 'root', ':1.0', 'init.scope', '-', '-'],
      [':1.1', String(pids.logind), 'systemd-logind', 'root', ':1.1', 'systemd-logind.service', '-', '-'],
      [
        `:1.${busyName}`,
        String(pids.kubeProxy + 40_001),
        'busctl',
        'root',
        `:1.${busyName}`,
        'session-3.scope',
        '3',
        '-',
      ],
      ['org.freedesktop.DBus', '1', 'systemd', 'root', '-', 'init.scope', '-', '-'],
      ['org.freedesktop.hostname1', '-', '-', '-', '(activatable)', '-', '-', '-'],
      ['org.freedesktop.locale1', '-', '-', '-', '(activatable)', '-', '-', '-'],
      [
        'org.freedesktop.login1',
        String(pids.logind),
        'systemd-logind',
        'root',
        ':1.1',
        'systemd-logind.service',
        '-',
        '-',
      ],
      ['org.freedesktop.systemd1', '1', 'systemd', 'root', ':1.0', 'init.scope', '-', '-'],
      ['org.freedesktop.timedate1', '-', '-', '-', '(activatable)', '-', '-', '-'],
    ],
    new Set([1]),
  );
  const certs: Record<string, DrillResponse> = {
    // The kubelet rotates its client certificate at 70-90% of its year; kubeadm's own certificates are a year from the last upgrade.
    [commands.kubeletClientCert]: opensslEnddate(
      new Date(now.getTime() + (120 + (id.seed % 90)) * day * 1000 + (id.seed % 86_400) * 1000),
    ),
  };
  if (cp) {
    const renewed = new Date(now.getTime() + (365 - 90) * day * 1000 - (id.seed % 3600) * 1000);
    certs[commands.apiserverCert] = opensslEnddate(renewed);
    certs[commands.apiserverKubeletClientCert] = opensslEnddate(renewed);
    certs[commands.etcdServerCert] = opensslEnddate(renewed);
  }
  const answers: Record<string, DrillResponse | readonly DrillResponse[]> = {
    [commands.kubeletService]: {
      stdout: kubeletUnit(id, {
        active: 'active',
        sub: 'running',
        result: 'success',
        restarts: 0,
        status: 0,
        pid: pids.kubelet,
        start: id.kubeletStart,
      }),
    },
    [commands.kubeletConfig]: { stdout: kubeadmKubeletConfig },
    [commands.kubeletJournal]: { stdout: healthyKubeletJournal(id) },
    // kubeadm runs etcd as a static pod: neither unit exists, and journalctl (systemd 252) says so.
    [commands.etcdJournal]: { stdout: '-- No entries --\n' },
    // A containerd node has no docker CLI, as bash says: the check cannot read a docker log here, and says so.
    [commands.etcdContainerLog]: { stdout: '', stderr: 'bash: docker: command not found\n', exitCode: 127 },
    [commands.containerd]: {
      stdout: systemctlShow(
        {
          Result: 'success',
          NRestarts: '0',
          ExecMainStartTimestamp: systemdTime(id.containerdStart),
          ExecMainStatus: '0',
          LoadState: 'loaded',
          ActiveState: 'active',
          SubState: 'running',
        },
        serviceProps,
      ),
    },
    [commands.crictlInfo]: { stdout: crictlInfoReady },
    [commands.ps]: { stdout: psTable(healthyProcesses(id)) },
    [commands.systemdPing]: { stdout: '' },
    [commands.busList]: { stdout: bus },
    [commands.procStat]: procStatSamples(load),
    [commands.iostat]: iostatCpu(load, node.name, kernelRelease, now),
    [commands.top]: topBatch(load, healthyTopProcesses(id), now),
    // Control-plane components run as kubeadm static pods: no systemd units on any node.
    [commands.controlPlaneServices]: {
      stdout: controlPlaneUnits.map((u) => systemctlShow(notFoundUnit(u), controlPlaneUnitProps)).join('\n'),
    },
    [commands.timedatectl]: timedatectlShow(id, true),
    [commands.chrony]: chronyTracking(id, {
      systemOffset: 0.000012 + (id.seed % 90) / 1e7,
      lastOffset: -0.000004 - (id.seed % 50) / 1e7,
      synchronised: true,
    }),
    [commands.df]: df.blocks,
    [commands.dfInodes]: df.inodes,
    ...certs,
    [commands.listening]: { stdout: ssListen(healthyListeners(id)) },
    // Debian does not install firewalld: is-active says inactive and exits 3.
    [commands.firewalld]: { stdout: 'inactive\n', exitCode: 3 },
    [commands.nginx]: { stdout: systemctlShow(notFoundUnit('nginx.service'), serviceProps) },
    [commands.kernelLog]: { stdout: healthyKernelLog(id) },
    [commands.listUnits]: { stdout: kubeadmUnits() },
    [commands.serviceJournals]: { stdout: healthyServiceJournals(id) },
    [commands.kubeletKubeconfig]: {
      stdout: kubeadmKubeletConf(
        node.name,
        controlPlaneIPs[0] ?? node.ip,
        clusterCA ?? clusterCertificateAuthority(now),
      ),
    },
  };
  // Every Service's rules (150,000 endpoints on a big drill) are written only for a node whose rules are asked for.
  lazyAnswer(answers, commands.iptables, () => ({
    stdout: healthyIptables(id, controlPlaneIPs, undefined, services?.()),
  }));
  lazyAnswer(answers, commands.ipvsadm, () => ({ stdout: healthyIpvsadm(controlPlaneIPs, node.ip, services?.()) }));
  return answers;
}

/** An answer made the first time it is read, then kept; a fault may still replace it. */
function lazyAnswer(
  answers: Record<string, DrillResponse | readonly DrillResponse[]>,
  key: string,
  make: () => DrillResponse,
): void {
  Object.defineProperty(answers, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = make();
      Object.defineProperty(answers, key, { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
    set(value: DrillResponse | readonly DrillResponse[]) {
      Object.defineProperty(answers, key, { value, enumerable: true, configurable: true, writable: true });
    },
  });
}

/**
 * What a healthy node's tools print for every command plumbline's host checks
 * send; faults then replace the answers they break. Each node's answers are
 * built the first time something asks for them, so a 5,000-node drill costs
 * only the nodes a session visits.
 */
export function healthyHosts(
  nodes: readonly HostNode[],
  at: (relative: string) => string,
  services?: () => ServiceRuleLines,
): DrillHosts {
  const now = new Date(at('now'));
  const controlPlaneIPs = nodes.filter((n) => n.role === 'control-plane').map((n) => n.ip);
  let ca: string | undefined;
  const hosts: DrillHosts = {};
  for (const n of nodes) {
    const node: HostNode = { name: n.name, role: n.role, ip: n.ip };
    Object.defineProperty(hosts, n.name, {
      enumerable: true,
      configurable: true,
      get() {
        ca ??= clusterCertificateAuthority(now);
        const answers = healthyHost(node, now, controlPlaneIPs, services, ca);
        Object.defineProperty(hosts, n.name, { value: answers, enumerable: true, configurable: true, writable: true });
        return answers;
      },
      set(value: Record<string, DrillResponse | readonly DrillResponse[]>) {
        Object.defineProperty(hosts, n.name, { value, enumerable: true, configurable: true, writable: true });
      },
    });
  }
  return hosts;
}

/** The cluster CA kubeadm made when the cluster was set up: ten years from then, as kubeadm's CA is. */
export function clusterCertificateAuthority(now: Date): string {
  const made = new Date(now.getTime() - 400 * day * 1000);
  return selfSignedCertificate('kubernetes', now, {
    notBefore: made,
    notAfter: new Date(made.getTime() + 3650 * day * 1000),
  }).cert;
}
