import { describe, expect, it } from 'vitest';
import { walkReal as walk } from '../helpers/realWalk.js';

// Held-out batch 5 (scenarios/real/HELD-OUT.md): each walk on its thread's verbatim lines.
describe('held-out batch 5 signatures, on the threads’ own lines', () => {
  it('one k3s line, two causes: the ending says it cannot tell a missing flag from a kernel without the controller, and how to tell (rpi-firmware#234, k3s#8890)', async () => {
    for (const name of ['rk-rpi-kernel-memcg-234', 'rk-k3s-rpi5-cmdline-path-8890']) {
      const end = await walk(name);
      expect(end.diagnosis?.id).toBe('k3s-memory-cgroup-disabled');
      expect(end.diagnosis?.title).toContain('the cmdline flags missing, or a kernel built without it');
      const fix = end.diagnosis?.fix.join('\n') ?? '';
      expect(fix).toContain('cat /proc/cmdline');
      expect(fix).toContain('no memory row at all: the kernel has no memory controller');
      expect(fix).toContain('/boot/firmware/cmdline.txt on Raspberry Pi OS Bookworm and Ubuntu');
      expect(fix).toContain('update the kernel');
    }
  });

  it('CRI-O refusing a cgroupfs parent names the cgroup manager mismatch, not a node that was deleted (cri-o#3295)', async () => {
    const end = await walk('rk-crio-cgroup-manager-3295');
    expect(end.diagnosis?.id).toBe('crio-cgroup-manager-mismatch');
    expect(end.diagnosis?.fix.join('\n')).toContain('cgroup_manager = "systemd"');
  });

  it("a k3s agent's rejected node password names the server's stale entry for that name (k3s#802)", async () => {
    const end = await walk('rk-k3s-node-password-802');
    expect(end.diagnosis?.id).toBe('k3s-node-password-rejected');
    expect(end.diagnosis?.fix.join('\n')).toContain('.node-password.k3s');
  });

  it('Flatcar 2969: incomplete, the runtime refusal the first candidate and the CNI line after it (flatcar#484)', async () => {
    const end = await walk('rk-flatcar-containerd-runtime-type-484');
    expect(end.outcome).toBe('incomplete');
    expect(end.diagnosis).toBeNull();
    expect(end.candidates.map((c) => c.id)).toEqual(['containerd-runtime-type-unset', 'cni-not-initialized-journal']);
  });
});
