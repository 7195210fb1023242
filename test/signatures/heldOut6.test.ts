import { describe, expect, it } from 'vitest';
import { walkReal as walk } from '../helpers/realWalk.js';

// Held-out batch 6 (scenarios/real/HELD-OUT.md): each walk on its thread's verbatim lines.
describe('held-out batch 6, on the threads’ own lines', () => {
  it('flannel 0.25 on 1.31: incomplete, the missing CNI binary the first candidate and the CNI echo after it (flannel#2301)', async () => {
    const end = await walk('rl-flannel-cni-binary-2301');
    expect(end.outcome).toBe('incomplete');
    expect(end.diagnosis).toBeNull();
    expect(end.candidates.map((c) => c.id)).toEqual(['cni-plugin-binary-missing', 'cni-not-initialized-journal']);
  });

  it('k3s on Raspberry Pis: google.com is not diagnosed as known to the nodes only on a default answer (k3s-ansible#378)', async () => {
    const end = await walk('rl-k3s-host-cidr-clash-378');
    expect(end.outcome).toBe('incomplete');
    expect(end.diagnosis).toBeNull();
  });
  it('IKS: exec "sh" not found on PATH names both readings, an image without a shell or containerd 1.2.8 setting no PATH, and how to tell (stellar-helm-charts#12)', async () => {
    const end = await walk('rl-iks-containerd-sh-path-12');
    expect(end.diagnosis?.id).toBe('shell-not-found-on-path');
    expect(end.diagnosis?.title).toContain('an image without a shell, or a runtime that gave the container no PATH');
    const fix = end.diagnosis?.fix.join('\n') ?? '';
    expect(fix).toContain('CONTAINER-RUNTIME');
    expect(fix).toContain('containerd 1.2.8');
  });

  it('a flag run as the program (exec "-port=80") names the args given without a command (microservices-demo#774)', async () => {
    const end = await walk('rl-args-no-command-774');
    expect(end.diagnosis?.id).toBe('container-args-run-as-command');
    expect(end.diagnosis?.fix.join('\n')).toContain('Give the container a command');
  });
  it("k3s on a Pi: the API server's 9463 ms to store one object is the datastore or its disk, with the SD card named (k3s#2644)", async () => {
    const end = await walk('rl-k3s-sdcard-slow-2644');
    expect(end.diagnosis?.id).toBe('datastore-writes-slow');
    expect(end.diagnosis?.title).toContain('9463ms');
    expect(end.diagnosis?.fix.join('\n')).toContain('instead of the SD card');
  });
  it("kube-dns's skydns forwards timing out name the resolver or the pods' unmasqueraded path, and how to tell (kubernetes-the-hard-way#95)", async () => {
    const end = await walk('rl-kthw-kubedns-masquerade-95');
    expect(end.diagnosis?.id).toBe('kube-dns-forward-timeout');
    const fix = end.diagnosis?.fix.join('\n') ?? '';
    expect(fix).toContain('the node answers and the pod does not');
    expect(fix).toContain('--non-masquerade-cidr');
  });
});
