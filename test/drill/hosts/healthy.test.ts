import { describe, expect, it } from 'vitest';
import type { HostCheck } from '../../../src/checks/host/define.js';
import { checks } from '../../../src/checks/registry.js';
import { buildCluster } from '../../../src/drill/scenario.js';
import { scenarioSchema } from '../../../src/drill/scenarioSchema.js';
import { argvKey, createDrillAccess } from '../../../src/nodeaccess/drill.js';
import { runHostCheck, sampleHostParams } from '../../checks/host/helpers.js';

type AnyHostCheck = HostCheck<{ node: string }, string> & { commands?: (p: { node: string }) => string[][] };
// Checks that run a command on a node (network.tcp-connect connects from plumbline's own machine instead).
const hostChecks = checks.filter((c) => c.layer === 'host' && 'argv' in c) as unknown as AnyHostCheck[];

/** What a check finds on a healthy node when its subject is simply not there: a plain node runs no nginx. */
// A containerd node has no docker: the etcd container log cannot be read there, an error the walk lists as unseen.
const healthyAbsent: Record<string, string> = {
  'host.front-proxy': 'not-installed',
  'host.etcd-container-log': 'error',
};

const now = new Date('2026-11-25T12:00:00Z');
const scenario = scenarioSchema.parse({
  id: 'healthy',
  title: 'healthy',
  page: 'nothing is wrong',
  runbook: 'node-not-ready',
  expect: { diagnosis: null },
  cluster: { generate: { controlPlanes: 2, workers: 3 } },
});
const built = buildCluster(scenario, now);
const nodes = built.objects.filter((o) => o.kind === 'Node').map((o) => o.metadata.name);

describe('a healthy drill host', () => {
  it('exists for every node of the cluster', () => {
    expect(nodes).toEqual(['cp-1', 'cp-2', 'worker-1', 'worker-2', 'worker-3']);
    expect(Object.keys(built.hosts).sort()).toEqual([...nodes].sort());
  });

  // Every registered host check, as the engine runs it, through the drill backend: none may find anything.
  const cases = nodes.flatMap((node) => hostChecks.map((c) => [c.id, node, c] as const));
  it.each(cases)('%s on %s reaches a healthy outcome', async (id, node, check) => {
    const drill = createDrillAccess({ hosts: built.hosts });
    // The two-sample check's interval is only a sleep here; keep it short.
    const params: Record<string, string | number> =
      id === 'host.cpu-steal' ? { node, intervalSeconds: 0.01 } : { ...sampleHostParams[id], node };
    const r = await runHostCheck(id, params, drill);
    const expected = healthyAbsent[id] ? [healthyAbsent[id]] : check.healthy;
    expect(expected, `${id} on ${node}: ${r.outcome}: ${r.summary}`).toContain(r.outcome);
  });

  it('answers every command with what its check expects on the right node role', async () => {
    const drill = createDrillAccess({ hosts: built.hosts });
    const cp = await runHostCheck('host.control-plane-services', { node: 'cp-1' }, drill);
    // kubeadm runs the control plane as static pods: no systemd unit on any node.
    expect(cp.facts).toMatchObject({ strayServices: '' });
    const journal = await runHostCheck('host.kubelet-journal', { node: 'worker-2' }, drill);
    expect(journal.facts.kubeletJournalLines).toBeGreaterThan(0);
    const steal = await runHostCheck('host.cpu-steal', { node: 'worker-1', intervalSeconds: 0.01 }, drill);
    expect(steal.facts).toMatchObject({ cpuCount: 4, sampleSeconds: 1 });
    expect(Number(steal.facts.stealPercent)).toBeLessThan(1);
  });

  it('keeps /proc/stat counters moving forward between samples, so a re-run still measures time', () => {
    const samples = built.hosts['worker-1']?.['cat /proc/stat'];
    expect(Array.isArray(samples)).toBe(true);
    const totals = (samples as { stdout: string }[]).map((s) => {
      const cpu = /^cpu {2}(.*)$/m.exec(s.stdout)?.[1] ?? '';
      return cpu
        .split(' ')
        .map(Number)
        .reduce((a, b) => a + b, 0);
    });
    expect(totals.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < totals.length; i++) expect((totals[i] ?? 0) - (totals[i - 1] ?? 0)).toBe(400); // 4 CPUs × 100 jiffies
  });

  it('the registry checks send exactly the command lines the table below answers', () => {
    const sent = hostChecks.flatMap((c) => {
      const p = c.params.parse({ ...sampleHostParams[c.id], node: 'n' });
      return [c.argv(p), ...(c.commands?.(p) ?? [])].map(argvKey);
    });
    for (const key of sent) expect(built.hosts['cp-1']).toHaveProperty([key]);
  });
});

/** Every command plumbline's host checks send (with default parameters), with a line of what it must print. */
const table: [command: string, roles: ('control-plane' | 'worker')[], expected: RegExp, exitCode?: number][] = [
  [
    'systemctl show kubelet -p LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,ExecMainStartTimestamp,FragmentPath,ExecStart',
    ['control-plane', 'worker'],
    /^ActiveState=active\nSubState=running$/m,
  ],
  ['cat -- /var/lib/kubelet/config.yaml', ['control-plane', 'worker'], /^kind: KubeletConfiguration$/m],
  [
    'journalctl -u kubelet --since=-15m -o short-iso --no-pager -n 2000',
    ['control-plane', 'worker'],
    /^2026-11-25T11:\d\d:\d\d\+0000 \S+ kubelet\[\d+\]: I1125 11:\d\d:\d\d\.\d{6} +\d+ \S+\.go:\d+\] "/m,
  ],
  [
    'systemctl show containerd -p LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,ExecMainStartTimestamp',
    ['control-plane', 'worker'],
    /^ExecMainStartTimestamp=\w{3} 2026-\d\d-\d\d \d\d:\d\d:\d\d UTC$/m,
  ],
  ['crictl info', ['control-plane', 'worker'], /"type": "RuntimeReady",\n\s+"status": true/],
  ['ps -eo pid,etimes,args', ['control-plane', 'worker'], /^ +\d+ +\d+ \/usr\/bin\/kubelet --bootstrap-kubeconfig/m],
  [
    'busctl --system --timeout=5 call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.DBus.Peer Ping',
    ['control-plane', 'worker'],
    /^$/,
  ],
  [
    'busctl --system --timeout=5 list --no-pager',
    ['control-plane', 'worker'],
    /^org\.freedesktop\.systemd1 +1 systemd +root :1\.0 /m,
  ],
  ['cat /proc/stat', ['control-plane', 'worker'], /^cpu {2}\d+ \d+ \d+ \d+ \d+ 0 \d+ \d+ 0 0\ncpu0 /m],
  [
    'systemctl show kube-apiserver.service kube-controller-manager.service kube-scheduler.service etcd.service -p Id,LoadState,ActiveState,SubState,UnitFileState',
    ['control-plane', 'worker'],
    /^Id=etcd\.service\nLoadState=not-found\nActiveState=inactive\nSubState=dead\nUnitFileState=$/m,
  ],
  [
    'timedatectl show',
    ['control-plane', 'worker'],
    /^Timezone=Etc\/UTC\nLocalRTC=no\nCanNTP=yes\nNTP=yes\nNTPSynchronized=yes\nTimeUSec=Wed 2026-11-25 12:00:00 UTC\nRTCTimeUSec=Wed 2026-11-25 12:00:00 UTC\n$/,
  ],
  [
    'chronyc tracking',
    ['control-plane', 'worker'],
    /^System time {5}: 0\.0000\d+ seconds (fast|slow) of NTP time\n[\s\S]*^Leap status {5}: Normal$/m,
  ],
  [
    'df -P /var/lib/kubelet /var/lib/containerd',
    ['control-plane', 'worker'],
    /^Filesystem {5}1024-blocks {5}Used Available Capacity Mounted on\n\/dev\/vda1 +102687672 +\d+ +\d+ +\d\d% \/\n\/dev\/vda1 /,
  ],
  [
    'df -Pi /var/lib/kubelet /var/lib/containerd',
    ['control-plane', 'worker'],
    /^Filesystem {6}Inodes {2}IUsed {3}IFree IUse% Mounted on\n\/dev\/vda1 +6422528 /,
  ],
  [
    'openssl x509 -enddate -noout -in /var/lib/kubelet/pki/kubelet-client-current.pem',
    ['control-plane', 'worker'],
    /^notAfter=\w{3} [ \d]\d \d\d:\d\d:\d\d 2027 GMT\n$/,
  ],
  [
    'openssl x509 -enddate -noout -in /etc/kubernetes/pki/apiserver.crt',
    ['control-plane'],
    /^notAfter=Aug 27 \d\d:\d\d:\d\d 2027 GMT\n$/,
  ],
  [
    'openssl x509 -enddate -noout -in /etc/kubernetes/pki/apiserver-kubelet-client.crt',
    ['control-plane'],
    /^notAfter=Aug 27 \d\d:\d\d:\d\d 2027 GMT\n$/,
  ],
  [
    'openssl x509 -enddate -noout -in /etc/kubernetes/pki/etcd/server.crt',
    ['control-plane'],
    /^notAfter=Aug 27 \d\d:\d\d:\d\d 2027 GMT\n$/,
  ],
  [
    'ss -ltnp',
    ['control-plane', 'worker'],
    /^State {2}Recv-Q Send-Q Local Address:Port {2}Peer Address:PortProcess +\nLISTEN 0 {6}4096 {7}127\.0\.0\.1:10248 {6}0\.0\.0\.0:\* {4}users:\(\("kubelet",pid=\d+,fd=17\)\)/,
  ],
  ['systemctl is-active firewalld', ['control-plane', 'worker'], /^inactive\n$/, 3],
  [
    'iptables-save',
    ['control-plane', 'worker'],
    /^# Generated by iptables-save v1\.8\.9 \(nf_tables\) on Wed Nov 25 12:00:00 2026\n[\s\S]*^-A KUBE-SERVICES -d 10\.96\.0\.1\/32 -p tcp -m comment --comment "default\/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y$/m,
  ],
  [
    'ipvsadm -Ln',
    ['control-plane', 'worker'],
    /^IP Virtual Server version 1\.2\.1 \(size=4096\)\nProt LocalAddress:Port Scheduler Flags\n {2}-> RemoteAddress:Port {11}Forward Weight ActiveConn InActConn\nTCP {2}10\.96\.0\.1:443 rr\n {2}-> 10\.0\.0\.\d+:6443 +Masq {4}1 {6}0 {10}0$/m,
  ],
  [
    'iostat -c 1 2',
    ['control-plane', 'worker'],
    /^Linux 6\.1\.0-28-amd64 \(\S+\) \t11\/25\/26 \t_x86_64_\t\(4 CPU\)\n\navg-cpu: {2}%user {3}%nice %system %iowait {2}%steal {3}%idle\n {7}( +\d+\.\d\d){6}\n\navg-cpu:/,
  ],
  [
    'systemctl show nginx -p LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,ExecMainStartTimestamp',
    ['control-plane', 'worker'],
    /^Result=success\nNRestarts=0\nExecMainStartTimestamp=\nExecMainStatus=0\nLoadState=not-found\nActiveState=inactive\nSubState=dead\n$/,
  ],
];

describe('the commands a healthy host answers', () => {
  it.each(table)('%s', async (command, roles, expected, exitCode = 0) => {
    const drill = createDrillAccess({ hosts: built.hosts });
    for (const node of ['cp-1', 'worker-3']) {
      const role = node.startsWith('cp-') ? 'control-plane' : 'worker';
      const argv = command.split(' ');
      if (!roles.includes(role)) {
        // A worker has no control-plane certificates: openssl cannot open the file.
        expect(built.hosts[node]).not.toHaveProperty([command]);
        continue;
      }
      const r = await drill.run(node, argv, { timeoutMs: 5000, signal: AbortSignal.timeout(5000) });
      expect(r.stdout, `${command} on ${node}`).toMatch(expected);
      expect(r.exitCode).toBe(exitCode);
    }
  });

  it('puts the drill clock in the node-local times: kubelet start = boot + seconds, consistent with ps and /proc/stat', async () => {
    const drill = createDrillAccess({ hosts: built.hosts });
    const run = (argv: string) =>
      drill.run('worker-1', argv.split(' '), { timeoutMs: 5000, signal: AbortSignal.timeout(5000) });
    const stat = await run('cat /proc/stat');
    const btime = Number(/^btime (\d+)$/m.exec(stat.stdout)?.[1]);
    const ps = await run('ps -eo pid,etimes,args');
    const initAge = Number(/^ +1 +(\d+) \/sbin\/init$/m.exec(ps.stdout)?.[1]);
    expect(btime).toBe(now.getTime() / 1000 - initAge);
    const unit = await run(table[0]?.[0] ?? '');
    const started = /^ExecMainStartTimestamp=\w{3} (\S+) (\S+) UTC$/m.exec(unit.stdout);
    const kubeletAge = Number(/^ +\d+ +(\d+) \/usr\/bin\/kubelet /m.exec(ps.stdout)?.[1]);
    expect(Date.parse(`${started?.[1]}T${started?.[2]}Z`)).toBe(now.getTime() - kubeletAge * 1000);
  });

  it('costs nothing for nodes a session never asks about', () => {
    const big = buildCluster(
      scenarioSchema.parse({ ...scenario, cluster: { generate: { controlPlanes: 1, workers: 5000, addons: false } } }),
      now,
    );
    const descriptor = Object.getOwnPropertyDescriptor(big.hosts, 'worker-4999');
    expect(descriptor && 'get' in descriptor && typeof descriptor.get).toBe('function');
    expect(big.hosts['worker-4999']?.['crictl info']).toBeDefined();
    expect(Object.getOwnPropertyDescriptor(big.hosts, 'worker-4999')?.value).toBeDefined();
  });
});

describe("kube-proxy on a healthy host programs every Service, the generated filler apps' too", () => {
  const filler = buildCluster(
    scenarioSchema.parse({
      ...scenario,
      id: 'filler',
      cluster: { generate: { controlPlanes: 1, workers: 2, podsPerWorker: 3, addons: true } },
    }),
    now,
  );
  const svc = filler.objects.find(
    (o) => o.kind === 'Service' && o.metadata.namespace === 'load' && o.metadata.name === 'app-0',
  );
  const clusterIP = (svc?.spec as { clusterIP: string } | undefined)?.clusterIP ?? '';
  const slice = filler.virtual.find((v) => v.kind === 'EndpointSlice');
  const ips = slice
    ? Array.from({ length: slice.size }, (_, i) => slice.make(i))
        .filter((o) => o.metadata.labels?.['kubernetes.io/service-name'] === 'app-0')
        .flatMap((o) => ((o.endpoints as { addresses: string[] }[] | undefined) ?? []).map((e) => e.addresses[0] ?? ''))
    : [];

  it.each(['iptables', 'ipvs'] as const)(
    'host.kube-proxy-rules in %s mode finds load/app-0 sent to its endpoints',
    async (mode) => {
      expect(clusterIP).not.toBe('');
      expect(ips.length).toBeGreaterThan(0);
      const r = await runHostCheck(
        'host.kube-proxy-rules',
        { node: 'worker-1', clusterIP, port: 80, endpoints: ips.join(','), mode },
        createDrillAccess({ hosts: filler.hosts }),
      );
      expect(r.outcome, r.summary).toBe('rules-match');
      expect(r.facts.ruleEndpoints).toBe(ips.map((ip) => `${ip}:8080`).join(','));
    },
  );
});
