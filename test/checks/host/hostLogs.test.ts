import { describe, expect, it } from 'vitest';
import { parseDiskSpace } from '../../../src/checks/host/diskSpace.js';
import { parseKernelLog } from '../../../src/checks/host/kernelLog.js';
import { parseKubeconfigCertificates } from '../../../src/checks/host/kubeconfigCertificates.js';
import { parseServiceJournals } from '../../../src/checks/host/serviceJournals.js';
import { createDrillAccess } from '../../../src/nodeaccess/drill.js';
import { healthyHosts } from '../../../src/drill/hosts/healthy.js';
import { commands } from '../../../src/drill/hosts/commands.js';
import { fixture } from './fixtures.js';
import { runHostCheck } from './helpers.js';

const now = new Date('2026-12-06T15:20:16Z');

describe('host.kernel-log: journalctl -k, else dmesg', () => {
  it('dmesg -T (kubernetes#71261): a full conntrack table is a network error of the kernel', () => {
    const r = parseKernelLog(fixture('dmesg-T-conntrack-71261'));
    expect(r.outcome).toBe('errors');
    expect(r.facts).toMatchObject({
      kernelLogSource: 'dmesg',
      kernelErrorLines: 4,
      kernelErrorKinds: 'network',
      kernelLastError: '[Tue Nov 20 22:30:27 2018] nf_conntrack: table full, dropping packet',
    });
  });

  it('plain dmesg (openzfs#3850): the NFS server silent, then a task hung on it: both kinds, the first line of each shown', () => {
    const r = parseKernelLog(fixture('dmesg-nfs-hung-task-zfs-3850'));
    expect(r.outcome).toBe('errors');
    expect(r.facts).toMatchObject({ kernelErrorKinds: 'network, hung task or lockup', kernelErrorLines: 4 });
    expect(r.evidence.map((e) => e.value)).toEqual([
      '[ 6066.656127] nfs: server batalix not responding, still trying',
      '[ 6120.052092] INFO: task bitcoind:2138 blocked for more than 120 seconds.',
    ]);
  });

  it('the journal form (openzfs#2628): the kernel line without its journal prefix, the source journalctl -k', () => {
    const r = parseKernelLog(fixture('syslog-kernel-hung-kswapd-zfs-2628'));
    expect(r.outcome).toBe('errors');
    expect(r.facts).toMatchObject({
      kernelLogSource: 'journalctl -k',
      kernelLastError: '[2442787.610431] INFO: task kswapd0:63 blocked for more than 120 seconds.',
    });
  });

  it('a RAID controller waiting on commands (kubernetes#85880) is no kernel error plumbline knows: quiet, the last line shown', () => {
    const r = parseKernelLog(fixture('journal-kernel-megaraid-85880'));
    expect(r.outcome).toBe('quiet');
    expect(r.facts).toMatchObject({ kernelLogSource: 'journalctl -k', kernelErrorLines: 0 });
  });

  it('dmesg -T of this machine (a microVM booting): quiet, every line read', () => {
    const r = parseKernelLog(fixture('dmesg-T-dev-machine'));
    expect(r.outcome).toBe('quiet');
    expect(r.facts).toMatchObject({ kernelLogSource: 'dmesg', kernelLogLines: 25 });
  });

  it('nothing in the journal and dmesg not permitted: an error that says why', () => {
    const r = parseKernelLog({
      stdout: '-- No entries --\n',
      stderr: 'dmesg: read kernel buffer failed: Operation not permitted\n',
      exitCode: 1,
      durationMs: 1,
      timedOut: false,
      truncated: false,
    });
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'permission' } });
    expect(r.summary).toContain('dmesg_restrict');
  });

  it('journalctl -k with no entries (k3s#146 form): falls back to dmesg -T, whose lines decide', async () => {
    const none = fixture('journalctl-no-entries-k3s-146');
    const dmesg = fixture('dmesg-T-conntrack-71261');
    const nodes = createDrillAccess({
      hosts: { n: { [commands.kernelLog]: { stdout: none.stdout }, [commands.dmesg]: { stdout: dmesg.stdout } } },
    });
    const r = await runHostCheck('host.kernel-log', { node: 'n' }, nodes);
    expect(r.outcome).toBe('errors');
    expect(r.facts.kernelLogSource).toBe('dmesg');
    expect(r.command).toBe(
      'journalctl -k -b -o short-iso --no-pager -n 3000  (dmesg -T when the journal has no kernel messages)',
    );
  });

  it("a drill's healthy node: pod interfaces coming and going, quiet", async () => {
    const hosts = healthyHosts([{ name: 'worker-1', role: 'worker', ip: '10.0.0.11' }], () => now.toISOString());
    const r = await runHostCheck('host.kernel-log', { node: 'worker-1' }, createDrillAccess({ hosts }));
    expect(r.outcome).toBe('quiet');
    expect(r.facts).toMatchObject({ kernelLogSource: 'journalctl -k', kernelLogLines: 12 });
  });
});

describe("host.service-journals: the node's units, whatever the distribution calls them", () => {
  it('the k3s agent journal (k3s#9598, zh_CN month names, -x catalog lines): its error lines counted, the last named by unit', () => {
    const r = parseServiceJournals(fixture('journal-k3s-agent-flag-9598'));
    expect(r.outcome).toBe('errors');
    expect(r.facts).toMatchObject({
      serviceLastErrorUnit: 'sh',
      serviceLastError: 'Failed to get unit file state for nm-cloud-setup.service: No such file or directory',
    });
  });

  it('lines pasted without a journald prefix (Containarium#1452): the fix reads the unit systemd listed, not "journal"', () => {
    const r = parseServiceJournals({
      stdout:
        '  k3s.service loaded active running Lightweight Kubernetes\n' +
        'E kubelet.go:1688] "Failed to start ContainerManager" err="[open /proc/sys/kernel/panic_on_oops: permission denied,\n' +
        '  open /proc/sys/vm/overcommit_memory: permission denied, open /proc/sys/kernel/panic: permission denied]"\n' +
        'E container_manager_linux.go:449] "Updating kernel flag failed\n' +
        '  (Hint: enable KubeletInUserNamespace feature flag to ignore the error)"\n',
      stderr: '',
      exitCode: 0,
      durationMs: 1,
      timedOut: false,
      truncated: false,
    });
    expect(r.outcome).toBe('errors');
    expect(r.facts).toMatchObject({ serviceLastErrorUnit: 'journal', serviceJournalUnit: 'k3s' });
  });

  it('the last error from a helper process (k3s#9598, "sh"): the journal to read is still the unit the kubelet runs in', () => {
    const r = parseServiceJournals(fixture('journal-k3s-agent-flag-9598'));
    expect(r.facts).toMatchObject({ serviceLastErrorUnit: 'sh' });
    expect(r.facts?.serviceJournalUnit).not.toBe('sh');
  });

  it('journalctl found nothing (k3s#146): quiet, not an error', () => {
    expect(parseServiceJournals(fixture('journalctl-no-entries-k3s-146')).outcome).toBe('quiet');
  });

  it('systemd lists containerd only: no unit runs a kubelet', () => {
    const r = parseServiceJournals({
      stdout: '  containerd.service loaded active running containerd container runtime\n',
      stderr: '',
      exitCode: 0,
      durationMs: 1,
      timedOut: false,
      truncated: false,
    });
    expect(r.outcome).toBe('no-kubelet-unit');
    expect(r.summary).toContain('it has containerd (active/running)');
  });

  it("a drill's healthy kubeadm node: kubelet and containerd listed, their journal read in one command, quiet", async () => {
    const hosts = healthyHosts([{ name: 'worker-1', role: 'worker', ip: '10.0.0.11' }], () => now.toISOString());
    const r = await runHostCheck('host.service-journals', { node: 'worker-1' }, createDrillAccess({ hosts }));
    expect(r.outcome).toBe('quiet');
    expect(r.facts).toMatchObject({
      serviceUnits: 'kubelet (active/running), containerd (active/running)',
      kubeletUnit: 'kubelet',
    });
  });

  it('a k3s agent: the listing picks k3s-agent, and journalctl -u asks for it alone', async () => {
    const journal = fixture('journal-k3s-agent-flag-9598');
    const nodes = createDrillAccess({
      hosts: {
        n: {
          [commands.listUnits]: {
            stdout: '  k3s-agent.service loaded activating auto-restart Lightweight Kubernetes\n',
          },
          'journalctl -u k3s-agent --since=-30m -o short-iso --no-pager -n 3000': { stdout: journal.stdout },
        },
      },
    });
    const r = await runHostCheck('host.service-journals', { node: 'n' }, nodes);
    expect(r.outcome).toBe('errors');
    expect(r.facts).toMatchObject({ serviceUnits: 'k3s-agent (activating/auto-restart)', kubeletUnit: 'k3s-agent' });
  });
});

describe("host.kubeconfig-certificates: the kubelet's kubeconfig, embedded or by path", () => {
  const p = { node: 'n', path: '/etc/kubernetes/kubelet.conf', warnDays: 30 };

  it('an embedded client certificate (a kubeadm 2019 control plane) read from its base64: expired a year after, the CA still valid', () => {
    const r = parseKubeconfigCertificates(fixture('cat-kubelet-conf-embedded-maxxmoney'), p, now);
    expect(r.outcome).toBe('expired');
    expect(r.facts).toMatchObject({
      kubeconfigCertificate: 'client certificate of system:node:master1 (embedded)',
      kubeconfigNotAfter: '2020-12-25T04:06:07.000Z',
    });
    expect(r.evidence.map((e) => e.label)).toEqual([
      'CA of kubernetes (embedded)',
      'client certificate of system:node:master1 (embedded)',
    ]);
    expect(
      parseKubeconfigCertificates(fixture('cat-kubelet-conf-embedded-maxxmoney'), p, new Date('2020-06-01T00:00:00Z'))
        .outcome,
    ).toBe('valid');
  });

  it('credentials by path (kubernetes#27442) and no openssl output: an error that names the file to read', () => {
    const r = parseKubeconfigCertificates(fixture('cat-kubelet-kubeconfig-files-27442'), p, now);
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'file-not-read' } });
    expect(r.summary).toContain('openssl x509 -enddate -noout -in /etc/kubernetes/certs/server.cert');
  });

  it('credentials by path with the openssl line after it: the file is dated', () => {
    const f = fixture('cat-kubelet-kubeconfig-files-27442');
    const r = parseKubeconfigCertificates({ ...f, stdout: `${f.stdout}notAfter=Jun  5 21:49:00 2020 GMT\n` }, p, now);
    expect(r.outcome).toBe('expired');
    expect(r.facts.kubeconfigCertificate).toBe('client certificate of kubelet (/etc/kubernetes/certs/server.cert)');
  });

  it("a drill's healthy node: the CA embedded, the client certificate by path, which the check reads next", async () => {
    const hosts = healthyHosts([{ name: 'worker-1', role: 'worker', ip: '10.0.0.11' }], () => now.toISOString());
    const r = await runHostCheck('host.kubeconfig-certificates', { node: 'worker-1' }, createDrillAccess({ hosts }));
    expect(r.outcome).toBe('valid');
    expect(r.evidence.map((e) => e.label)).toEqual([
      'CA of kubernetes (embedded)',
      'client certificate of system:node:worker-1 (/var/lib/kubelet/pki/kubelet-client-current.pem)',
    ]);
  });
});

describe('df -h pasted where df -P was asked', () => {
  it('openebs#2535: human sizes, every mount; /var/lib/kubelet and /var/lib/containerd are on / (9.9G of 50G free)', () => {
    const r = parseDiskSpace(fixture('df-h-root-81-openebs-2535'), {
      node: 'n',
      nodefsPath: '/var/lib/kubelet',
      imagefsPath: '/var/lib/containerd',
      nodefsAvailablePercent: 10,
      imagefsAvailablePercent: 15,
    });
    expect(r.outcome).toBe('low');
    expect(r.facts).toMatchObject({
      nodefsMount: '/',
      imagefsMount: '/',
      nodefsAvailablePercent: 19.8,
      sharedFilesystem: true,
    });
  });
});
