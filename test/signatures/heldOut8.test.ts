import { describe, expect, it } from 'vitest';
import { walkReal as walk } from '../helpers/realWalk.js';
import { bundledCatalog, matches } from '../../src/signatures/catalog.js';

function journalMatcher(id: string): (text: string) => boolean {
  const sig = bundledCatalog().find((s) => s.id === id);
  if (!sig) throw new Error(`${id} is not in the catalog`);
  return (text) => matches(sig, { kind: 'host', layer: 'host', source: 'test', text, severity: 3 });
}

// Held-out batch 8 (scenarios/real/HELD-OUT.md): each walk on its thread's verbatim lines.
describe('held-out batch 8, on the threads’ own lines', () => {
  it('OpenVZ VPS: the kubelet may not write /proc/sys, its line without a severity letter read (kubernetes#117846)', async () => {
    const end = await walk('ro-openvz-kubelet-proc-sysctl-117846');
    expect(end.diagnosis?.id).toBe('kubelet-kernel-tunables-not-writable');
    expect(end.diagnosis?.fix.join('\n')).toContain('systemd-detect-virt');
  });

  it('the same refusal as other threads pasted it, and not the protectKernelDefaults one nor the user-namespace hint', () => {
    const m = journalMatcher('kubelet-kernel-tunables-not-writable');
    // https://github.com/k3s-io/k3s/issues/1236 (k3s v1.0.1 on a Strato VPS, Virtuozzo)
    expect(
      m(
        'Dez 21 22:36:49 h12345678.stratoserver.net k3s[2328]: F1221 22:36:49.814798    2328 kubelet.go:1380] Failed to start ContainerManager open /proc/sys/kernel/panic: permission denied',
      ),
    ).toBe(true);
    // https://github.com/k3s-io/k3s/issues/1378 (k3s --rootless, before the KubeletInUserNamespace hint existed)
    expect(
      m(
        'Feb 03 10:04:59 k3s-master-01 k3s[2971]: F0203 10:04:59.417996    3046 kubelet.go:1380] Failed to start ContainerManager [open /proc/sys/vm/overcommit_memory: permission denied, open /proc/sys/kernel/panic: permission denied, open /proc/sys/kernel/panic_on_oops: permission denied]',
      ),
    ).toBe(true);
    // https://github.com/canonical/microk8s/issues/3091: values differ, the file is writable: another signature
    expect(
      m(
        'microk8s.daemon-kubelite: E0424 03:43:38.826373    8825 kubelet.go:1423] "Failed to start ContainerManager" err="[invalid kernel flag: vm/overcommit_memory, expected value: 1, actual value: 0, invalid kernel flag: kernel/panic, expected value: 10, actual value: 0]"',
      ),
    ).toBe(false);
    // https://github.com/k3s-io/k3s/issues/3900: the hint line itself is kubelet-in-user-namespace's
    expect(
      m(
        'E0824 14:35:41.897127      23 container_manager_linux.go:456] "Updating kernel flag failed (Hint: enable KubeletInUserNamespace feature flag to ignore the error)" err="open /proc/sys/kernel/panic: permission denied" flag="kernel/panic"',
      ),
    ).toBe(false);
  });

  it('Ubuntu 22.04 with Kubernetes 1.18: no rootfs stats, cgroup v2 named first (buxiaomo/kubeasy#12)', async () => {
    const end = await walk('ro-kubeasy-cgroupv2-k8s118-12');
    expect(end.diagnosis?.id).toBe('kubelet-rootfs-stats-missing');
    expect(end.diagnosis?.fix.join('\n')).toContain('stat -fc %T /sys/fs/cgroup/');
  });

  it('the same line from other threads, and not the harmless image-GC line at start', () => {
    const m = journalMatcher('kubelet-rootfs-stats-missing');
    // https://github.com/rootless-containers/usernetes/pull/157 (Fedora 32, cgroup v2)
    expect(
      m(
        'Apr 29 06:02:35 localhost.localdomain kubelet-containerd.sh[13958]: F0429 06:02:35.112823      70 kubelet.go:1329] Failed to start ContainerManager failed to get rootfs info: unable to find data in memory cache',
      ),
    ).toBe(true);
    // https://github.com/kubernetes/kubernetes/issues/26000 (CentOS 7, syslog form)
    expect(
      m(
        'May 17 10:16:25 localhost kubelet: F0517 10:16:25.044900   35643 kubelet.go:1380] Failed to start ContainerManager failed to get rootfs info: unable to find data in memory cache',
      ),
    ).toBe(true);
    // kubelet-image-gc-stats-not-ready's line (kubernetes#75707): printed once at every start
    expect(
      m(
        'Mar 26 11:06:00 k8s-m1 kubelet[234140]: E0326 11:06:00.756420  234140 kubelet.go:1308] Image garbage collection failed once. Stats initialization may not have completed yet: failed to get imageFs info: unable to find data in memory cache',
      ),
    ).toBe(false);
  });

  it('Ubuntu 22.04 kubeadm: etcd re-created on SandboxChanged, never "no restarts" (kubernetes#110177)', async () => {
    const end = await walk('ro-jammy-etcd-sandboxchanged-110177');
    expect(end.diagnosis?.id).toBe('control-plane-sandbox-recreated');
    expect(end.diagnosis?.fix.join('\n')).toContain('SystemdCgroup');
  });

  it('Ubuntu 21.10 kubeadm: etcd told to stop, not failing; both readings given (kubernetes#107892)', async () => {
    const end = await walk('ro-ubuntu2110-etcd-sigterm-107892');
    expect(end.diagnosis?.id).toBe('etcd-stopped-by-signal');
    const fix = end.diagnosis?.fix.join('\n') ?? '';
    expect(fix).toContain('SystemdCgroup');
    expect(fix).toContain('Liveness probe failed');
  });
});
