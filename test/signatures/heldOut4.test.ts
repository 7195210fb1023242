import { describe, expect, it } from 'vitest';
import { walkReal as walk } from '../helpers/realWalk.js';

// Held-out batch 4 (scenarios/real/HELD-OUT.md): each walk on its thread's verbatim lines.
describe('held-out batch 4, on the threads’ own lines', () => {
  it('the kubelet\'s waiting message secret "x" not found (no "Error: ") names the missing Secret (openmetadata-helm-charts#46)', async () => {
    const end = await walk('rj-openmetadata-secret-missing-46');
    expect(end.diagnosis?.id).toBe('env-secret-not-found');
    expect(end.diagnosis?.chain.join('\n')).toContain('secret "airflow-mysql-secrets" not found');
  });

  it("a pending LoadBalancer quotes the service controller's warning, and the AWS subnet tags are named (cluster-api-provider-aws#1008)", async () => {
    const end = await walk('rj-capa-elb-subnet-tag-1008');
    expect(end.diagnosis?.id).toBe('aws-lb-no-tagged-subnets');
    expect(end.diagnosis?.chain.join('\n')).toContain('could not find any suitable subnets for creating the ELB');
    expect(end.diagnosis?.fix.join('\n')).toContain('kubernetes.io/role/elb=1');
  });

  it('no match for platform in manifest is not a missing image: the Windows node is named (nginx-gateway-fabric#3661)', async () => {
    const end = await walk('rj-aks-windows-node-platform-3661');
    expect(end.diagnosis?.id).toBe('image-platform-mismatch');
    expect(end.diagnosis?.chain.join('\n')).toContain('Node akswin000034 is windows/amd64');
  });

  it('a server-url of https://localhost is the setting, not the network (rancher#25292)', async () => {
    const end = await walk('rj-rancher-localhost-docker-desktop-25292');
    expect(end.diagnosis?.id).toBe('server-url-loopback');
    expect(end.diagnosis?.fix.join('\n')).not.toContain('firewall');
  });

  it("kube-dns's dnsmasq at 150 concurrent lookups: the node's local stub named first, and how to tell it from a slow upstream (kubernetes-the-hard-way#356)", async () => {
    const end = await walk('rj-kthw-kubedns-resolvconf-356');
    expect(end.diagnosis?.id).toBe('kube-dns-dnsmasq-queries-exhausted');
    const fix = end.diagnosis?.fix.join('\n') ?? '';
    expect(fix).toContain('cat /etc/resolv.conf');
    expect(fix).toContain('--resolv-conf=/run/systemd/resolve/resolv.conf');
    expect(fix).toContain('dig @ that address example.com');
  });

  it("an upstream time-out to 169.254.116.108 names Talos's host DNS and the known Cilium case, still as one of two readings (talos#10002)", async () => {
    const end = await walk('rj-talos-cilium-hostdns-10002');
    expect(end.diagnosis?.id).toBe('coredns-upstream-timeout');
    expect(end.diagnosis?.title).toContain("the resolver is down, or the pods' path to it is blocked");
    const chain = end.diagnosis?.chain.join('\n') ?? '';
    expect(chain).toContain("169.254.116.108 is Talos's host DNS");
    expect(chain).toContain('bpf.hostLegacyRouting=true');
    expect(chain).toContain('talosctl logs dns-resolve-cache');
  });
});
