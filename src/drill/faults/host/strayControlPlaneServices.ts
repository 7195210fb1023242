import { z } from 'zod';
import { commands, controlPlaneUnitProps, controlPlaneUnits } from '../../hosts/commands.js';
import { notFoundUnit, ssListen, systemctlShow } from '../../hosts/format.js';
import { defineFault } from '../types.js';
import { controlPlaneIPs, currentText, editProcesses, nodeParam, parseListeners, targetNode } from './support.js';

const component = z.enum(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd']);

/**
 * The stale-control-plane incident: a worker that was once installed as a
 * master still has kube-apiserver, kube-controller-manager and kube-scheduler
 * systemd units enabled, so every reboot starts them again.
 */
export const strayControlPlaneServices = defineFault({
  id: 'stray-control-plane-services',
  title: 'Leftover control-plane systemd services enabled and running on a node',
  layer: 'host',
  description:
    "kube-apiserver, kube-controller-manager and kube-scheduler (by default) are systemd units on the node, UnitFileState=enabled and active (running) when `active` is true (enabled but dead otherwise), with their processes (binaries under /usr/local/bin, pointed at the real etcd) and their ports 6443, 10257 and 10259 in ss -ltnp. The cluster's own control plane is unaffected.",
  params: z.strictObject({
    node: nodeParam,
    units: z.array(component).min(1).default(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']),
    /** Running now (the reboot started them), or only enabled at boot. */
    active: z.boolean().default(true),
  }),
  apply(ctx, p) {
    const { host, id } = targetNode(ctx, p.node);
    const stray = new Set<string>(p.units);
    const blocks = controlPlaneUnits.map((unit) => {
      const name = unit.replace(/\.service$/, '');
      if (!stray.has(name)) return systemctlShow(notFoundUnit(unit), controlPlaneUnitProps);
      return systemctlShow(
        {
          Id: unit,
          LoadState: 'loaded',
          ActiveState: p.active ? 'active' : 'inactive',
          SubState: p.active ? 'running' : 'dead',
          UnitFileState: 'enabled',
        },
        controlPlaneUnitProps,
      );
    });
    ctx.host(p.node, commands.controlPlaneServices, { stdout: blocks.join('\n') });
    if (!p.active) return;

    const etcd = controlPlaneIPs(ctx)[0] ?? '127.0.0.1';
    const age = Math.max(60, id.uptimeSeconds - 9);
    const args: Record<string, string> = {
      'kube-apiserver': `/usr/local/bin/kube-apiserver --advertise-address=${host.ip} --allow-privileged=true --authorization-mode=Node,RBAC --client-ca-file=/etc/kubernetes/pki/ca.crt --etcd-servers=https://${etcd}:2379 --secure-port=6443 --service-cluster-ip-range=10.96.0.0/12 --tls-cert-file=/etc/kubernetes/pki/apiserver.crt --tls-private-key-file=/etc/kubernetes/pki/apiserver.key`,
      'kube-controller-manager':
        '/usr/local/bin/kube-controller-manager --kubeconfig=/etc/kubernetes/controller-manager.conf --leader-elect=true --bind-address=127.0.0.1 --cluster-cidr=10.244.0.0/16 --allocate-node-cidrs=true',
      'kube-scheduler':
        '/usr/local/bin/kube-scheduler --kubeconfig=/etc/kubernetes/scheduler.conf --leader-elect=true --bind-address=127.0.0.1',
      etcd: `/usr/local/bin/etcd --name=${p.node} --data-dir=/var/lib/etcd --listen-client-urls=https://127.0.0.1:2379 --advertise-client-urls=https://${host.ip}:2379`,
    };
    const ports: Record<string, { addr: string; port: number; comm: string }> = {
      'kube-apiserver': { addr: '*', port: 6443, comm: 'kube-apiserver' },
      'kube-controller-manager': { addr: '127.0.0.1', port: 10257, comm: 'kube-controller' },
      'kube-scheduler': { addr: '127.0.0.1', port: 10259, comm: 'kube-scheduler' },
      etcd: { addr: '127.0.0.1', port: 2379, comm: 'etcd' },
    };
    const pids = p.units.map((u, i) => ({ unit: u, pid: 760 + i * 13 + (id.seed % 7) }));
    editProcesses(ctx, p.node, (procs) => [
      ...procs,
      ...pids.map(({ unit, pid }) => ({ pid, age, args: args[unit] ?? unit })),
    ]);
    const listeners = parseListeners(currentText(ctx, p.node, commands.listening));
    for (const { unit, pid } of pids) {
      const l = ports[unit];
      if (l && !listeners.some((x) => x.port === l.port))
        listeners.push({ addr: l.addr, port: l.port, backlog: 4096, process: l.comm, pid, fd: 3 });
    }
    // ss lists IPv4 sockets before the dual-stack ones.
    listeners.sort(
      (a, b) => Number(a.addr === '*' || a.addr.startsWith('[')) - Number(b.addr === '*' || b.addr.startsWith('[')),
    );
    ctx.host(p.node, commands.listening, { stdout: ssListen(listeners) });
  },
});
