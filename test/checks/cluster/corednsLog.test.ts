import { describe, expect, it } from 'vitest';
import {
  corefileConfigMapName,
  parseCorefile,
  splitHostPort,
  swallowingHosts,
} from '../../../src/checks/cluster/coredns.js';
import { classifyCorednsLog, describeUpstreamTimeouts } from '../../../src/checks/cluster/corednsLog.js';
import { startTestDrill } from '../../helpers/drill.js';
import { runWithin, systemPod } from './helpers.js';

// Log lines and Corefiles pasted in public issues; each cites its thread.

describe('classifyCorednsLog on real CoreDNS logs', () => {
  it('the loop plugin, CoreDNS >= 1.2.6 (https://github.com/coredns/coredns/issues/2795)', () => {
    const f = classifyCorednsLog([
      '2019-04-17T00:18:44.485Z [INFO] CoreDNS-1.5.0',
      '2019-04-17T00:18:44.486Z [FATAL] plugin/loop: Loop (127.0.0.1:34614 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 6074102630077018525.5798689655824409358."',
    ]);
    expect(f.loops).toEqual([
      { line: expect.stringContaining('[FATAL] plugin/loop') as unknown, path: '127.0.0.1:34614 -> :53' },
    ]);
  });

  it('the loop plugin, CoreDNS 1.2.2 (https://github.com/coredns/coredns/issues/2087)', () => {
    const f = classifyCorednsLog([
      '2018/09/06 13:02:45 [FATAL] plugin/loop: Seen "HINFO IN 2050421060481615995.5620656063561519376." more than twice, loop detected',
    ]);
    expect(f.loops).toHaveLength(1);
    expect(f.loops[0]?.path).toBeUndefined();
  });

  it('upstream time-outs: real names, the loop probe, the 1.1 form and no route to host', () => {
    // https://github.com/coredns/coredns/issues/5179
    const real = classifyCorednsLog([
      '[ERROR] plugin/errors: 2 svc-datadog-agent-dogstatsd.datadog-agent.toyota-europe.com. SRV: read udp 192.168.86.18:56917->150.45.86.241:53: i/o timeout',
    ]);
    expect(real.timeouts[0]).toMatchObject({
      name: 'svc-datadog-agent-dogstatsd.datadog-agent.toyota-europe.com.',
      qtype: 'SRV',
      upstream: '150.45.86.241',
      error: 'i/o timeout',
    });
    expect(describeUpstreamTimeouts(real.timeouts)).toMatchObject({ probeOnly: false, upstreams: ['150.45.86.241'] });
    // https://github.com/coredns/coredns/issues/4211
    const probe = classifyCorednsLog([
      '[ERROR] plugin/errors: 2 3797952284163317497.7063757873447144811. HINFO: read udp 192.168.209.17:36807->20.128.8.8:53: i/o timeout',
      '[ERROR] plugin/errors: 2 3797952284163317497.7063757873447144811. HINFO: read udp 192.168.209.17:35090->20.128.8.8:53: i/o timeout',
    ]);
    expect(describeUpstreamTimeouts(probe.timeouts)).toEqual({
      upstreams: ['20.128.8.8'],
      count: 2,
      probeOnly: true,
      names: [],
    });
    // https://github.com/coredns/coredns/issues/2287 (CoreDNS 1.1.3)
    expect(
      classifyCorednsLog([
        '[ERROR] 2 mirrors.unisound.ai. AAAA: unreachable backend: read udp 10.99.17.97:60877->10.10.10.252:53: i/o timeout',
      ]).timeouts[0]?.upstream,
    ).toBe('10.10.10.252');
    // https://github.com/kubernetes/kubernetes/issues/127436
    expect(
      classifyCorednsLog([
        '[ERROR] plugin/errors: 2 7550147287576560633.7996095784120876925. HINFO: read udp 10.0.1.5:55591->8.8.8.8:53: read: no route to host',
      ]).timeouts[0]?.error,
    ).toBe('read: no route to host');
  });
});

describe('the kubernetes plugin cannot reach the API server', () => {
  it('no route to host, client-go quoting the URL (https://github.com/kubernetes/minikube/issues/4350) and the klog form (https://github.com/k3s-io/k3s/issues/24)', () => {
    const f = classifyCorednsLog([
      'Failed to list *v1.Namespace: Get "https://10.100.0.1:443/api/v1/namespaces?limit=500&resourceVersion=0": dial tcp 10.100.0.1:443: connect: no route to host',
      'E0305 16:36:17.678604       1 reflector.go:205] github.com/coredns/coredns/plugin/kubernetes/controller.go:322: Failed to list *v1.Namespace: Get https://10.43.0.1:443/api/v1/namespaces?limit=500&resourceVersion=0: dial tcp 10.43.0.1:443: connect: no route to host',
      '2019-03-05T16:36:21.676Z [INFO] CoreDNS-1.3.0',
    ]);
    expect(f.apiErrors.map((a) => [a.address, a.error])).toEqual([
      ['10.100.0.1:443', 'no route to host'],
      ['10.43.0.1:443', 'no route to host'],
    ]);
    expect(f.timeouts).toEqual([]);
  });
});

describe('hosts blocks that swallow every other name', () => {
  it('an inline hosts block without fallthrough (https://github.com/coredns/coredns/issues/3276)', () => {
    const core = parseCorefile(`.:53 {
        errors
        health
        kubernetes cluster.local in-addr.arpa ip6.arpa {
           pods insecure
           upstream
           fallthrough in-addr.arpa ip6.arpa
           ttl 30
        }
        hosts {
          10.110.152.150 jmenv.tbsite.net
        }
        prometheus :9153
        forward . /etc/resolv.conf
        cache 30
        loop
        reload
        loadbalance
    }
`);
    expect(swallowingHosts(core)).toEqual([
      { server: '.:53', fallthrough: false, entries: [{ ip: '10.110.152.150', names: ['jmenv.tbsite.net'] }] },
    ]);
  });

  it("k3s's NodeHosts block falls through (https://github.com/k3s-io/k3s/issues/9274)", () => {
    const core = parseCorefile(`.:53 {
        errors
        health
        ready
        kubernetes cluster.local in-addr.arpa ip6.arpa {
          pods insecure
          fallthrough in-addr.arpa ip6.arpa
        }
        hosts /etc/coredns/NodeHosts {
          ttl 60
          reload 15s
          fallthrough
        }
        prometheus :9153
        forward . /etc/resolv.conf
        cache 30
    }
`);
    expect(swallowingHosts(core)).toEqual([]);
  });

  it('a hosts file with zones and fallthrough . (https://github.com/coredns/coredns/issues/6855)', () => {
    const core = parseCorefile(`.:53 {
        hosts /etc/add-hosts/node-hosts . { 
           10.240.2.27  domain1
           10.240.0.4  domain2
           fallthrough .
        }
    }
`);
    expect(core.hosts[0]).toMatchObject({ file: '/etc/add-hosts/node-hosts', zones: ['.'], fallthrough: true });
    expect(swallowingHosts(core)).toEqual([]);
  });

  it('a hosts block limited to one zone swallows only that zone', () => {
    expect(
      swallowingHosts(parseCorefile('.:53 {\n    hosts /etc/coredns/example.hosts example.org {\n    }\n}\n')),
    ).toEqual([]);
  });
});

const corefile = (hosts: string) => `.:53 {
    errors
    health
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
    }
${hosts}    forward . /etc/resolv.conf
    cache 30
    loop
    reload
}
`;
const cm = (text: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'coredns', namespace: 'kube-system' },
  data: { Corefile: text },
});
const pods = (opts: { crashLoop?: boolean }) =>
  ['x8k2p', 'q7lmn'].map((s, i) =>
    systemPod(`coredns-7c65d6cfc9-${s}`, {
      node: `worker-${i + 1}`,
      labels: { 'k8s-app': 'kube-dns' },
      container: 'coredns',
      ...(opts.crashLoop
        ? { crashLoop: true, restarts: 6, lastExit: { exitCode: 1, reason: 'Error', finishedAt: 'now-1m' } }
        : {}),
    }),
  );

async function run(
  objects: Record<string, unknown>[],
  logs: { pod: string; previous: boolean; lines: string[] }[],
  params: Record<string, string> = {},
) {
  const t = await startTestDrill({
    cluster: { nodes: [{ name: 'worker-1' }, { name: 'worker-2' }] } as never,
    objects: objects as never,
    logs: logs.map((l) => ({ namespace: 'kube-system', container: 'coredns', ...l })),
  });
  try {
    return await runWithin(t, 'cluster.coredns', params);
  } finally {
    await t.close();
  }
}

describe('cluster.coredns reads the log and the Corefile, not only readiness', () => {
  const loop =
    '[FATAL] plugin/loop: Loop (127.0.0.1:34614 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 6074102630077018525.5798689655824409358."';

  it('forwarding-loop: crash-looping pods whose previous log ends on the loop line', async () => {
    const r = await run(
      [cm(corefile('')), ...pods({ crashLoop: true })],
      [{ pod: 'coredns-7c65d6cfc9-x8k2p', previous: true, lines: ['.:53', 'CoreDNS-1.5.0', loop] }],
    );
    expect(r.outcome).toBe('forwarding-loop');
    expect(r.facts).toMatchObject({ corednsReady: '0/2', forwarders: '. → /etc/resolv.conf', loopLine: loop });
  });

  it('api-unreachable: pods not Ready whose log says the API server cannot be dialled', async () => {
    const line =
      'Failed to list *v1.Namespace: Get "https://10.100.0.1:443/api/v1/namespaces?limit=500&resourceVersion=0": dial tcp 10.100.0.1:443: connect: no route to host';
    const r = await run(
      [cm(corefile('')), ...pods({ crashLoop: true })],
      [{ pod: 'coredns-7c65d6cfc9-x8k2p', previous: true, lines: ['.:53', line] }],
    );
    expect(r.outcome).toBe('api-unreachable');
    expect(r.facts).toMatchObject({ apiAddress: '10.100.0.1:443', apiError: 'no route to host', apiLine: line });
    expect(r.summary).toContain('a rejection a host firewall sends');
  });

  it('hosts-no-fallthrough: Ready pods, a hosts block that answers NXDOMAIN for every other name', async () => {
    const r = await run(
      [cm(corefile('    hosts {\n      10.110.152.150 jmenv.tbsite.net\n    }\n')), ...pods({})],
      [],
      { name: 'rancher.example.com' },
    );
    expect(r.outcome).toBe('hosts-no-fallthrough');
    expect(r.facts.swallowingHosts).toBe('jmenv.tbsite.net');
  });

  it('upstream-timeout: real lookups time out; probe-timeout: only the loop probe did, which is said as such', async () => {
    const real =
      '[ERROR] plugin/errors: 2 svc-datadog-agent-dogstatsd.datadog-agent.toyota-europe.com. SRV: read udp 192.168.86.18:56917->150.45.86.241:53: i/o timeout';
    const r = await run(
      [cm(corefile('')), ...pods({})],
      [{ pod: 'coredns-7c65d6cfc9-q7lmn', previous: false, lines: [real] }],
    );
    expect(r.outcome).toBe('upstream-timeout');
    expect(r.facts).toMatchObject({ upstreams: '150.45.86.241', timeoutCount: 1, probeOnly: false });
    // The fix asks that upstream directly: dig @host -p port.
    expect(r.facts).toMatchObject({ upstream: '150.45.86.241', upstreamPort: '53' });
    const probe =
      '[ERROR] plugin/errors: 2 3797952284163317497.7063757873447144811. HINFO: read udp 192.168.209.17:36807->20.128.8.8:53: i/o timeout';
    const p = await run(
      [cm(corefile('')), ...pods({})],
      [{ pod: 'coredns-7c65d6cfc9-q7lmn', previous: false, lines: [probe] }],
    );
    expect(p.outcome).toBe('probe-timeout');
    expect(p.facts.probeOnly).toBe(true);
    expect(p.summary).toContain("only the loop plugin's start-up probe (HINFO)");
  });
});

describe('answers CoreDNS cannot unpack (dns: overflow unpacking uint16, overflowing header size)', () => {
  it('classifies the lines of four threads, with and without a timestamp or journal prefix', () => {
    const f = classifyCorednsLog([
      // https://github.com/docker/for-win/issues/13768 (Docker Desktop 4.25)
      '[ERROR] plugin/errors: 2 login.microsoftonline.com. A: dns: overflow unpacking uint16',
      '[ERROR] plugin/errors: 2 login.microsoftonline.com. AAAA: dns: overflowing header size',
      // https://github.com/coredns/coredns/issues/6431 (Docker Desktop, CoreDNS 1.10.1)
      '[ERROR] plugin/errors: 2 oauth2.googleapis.com. A: dns: overflow unpacking uint32',
      // https://github.com/coredns/coredns/issues/3367 (AKS, CoreDNS 1.3.1): a time-out first, then the unpack errors
      '2019-10-10T13:47:49.441Z [ERROR] plugin/errors: 2 me.com. MX: read udp 10.240.0.13:49706->168.63.129.16:53: i/o timeout',
      '2019-10-10T13:56:33.713Z [ERROR] plugin/errors: 2 me.com. MX: dns: overflow unpacking uint16',
      // https://github.com/coredns/coredns/issues/4046 (CoreDNS 1.6.9 under systemd, an AD DNS upstream)
      'Aug 06 05:43:16 dcs1-dnssec coredns[26900]: [ERROR] plugin/errors: 2 _ldap._tcp.dc._msdcs.xx.xx.xx. SRV: dns: overflowing header size',
    ]);
    expect(f.unpackErrors.map((u) => [u.name, u.qtype, u.error])).toEqual([
      ['login.microsoftonline.com.', 'A', 'dns: overflow unpacking uint16'],
      ['login.microsoftonline.com.', 'AAAA', 'dns: overflowing header size'],
      ['oauth2.googleapis.com.', 'A', 'dns: overflow unpacking uint32'],
      ['me.com.', 'MX', 'dns: overflow unpacking uint16'],
      ['_ldap._tcp.dc._msdcs.xx.xx.xx.', 'SRV', 'dns: overflowing header size'],
    ]);
    // The time-out stays a time-out; an unpack error is never read as one.
    expect(f.timeouts.map((t) => t.name)).toEqual(['me.com.']);
  });

  it('upstream-unparseable: Ready pods whose log has them, without reading a Corefile (none pasted in the thread)', async () => {
    const r = await run(
      [...pods({})],
      [
        {
          pod: 'coredns-7c65d6cfc9-q7lmn',
          previous: false,
          lines: [
            '[ERROR] plugin/errors: 2 login.microsoftonline.com. A: dns: overflow unpacking uint16',
            '[ERROR] plugin/errors: 2 login.microsoftonline.com. AAAA: dns: overflowing header size',
          ],
        },
      ],
      { name: 'login.microsoftonline.com' },
    );
    expect(r.outcome).toBe('upstream-unparseable');
    expect(r.facts).toMatchObject({
      corednsReady: '2/2',
      unpackCount: 2,
      unpackNames: 'login.microsoftonline.com',
      unpackName: 'login.microsoftonline.com',
    });
    expect(r.summary).toContain('SERVFAIL');
  });

  it('corefile-missing says the Ready count: Ready pods whose Corefile was not found are not CoreDNS down', async () => {
    const r = await run([...pods({})], [{ pod: 'coredns-7c65d6cfc9-q7lmn', previous: false, lines: ['.:53'] }]);
    expect(r.outcome).toBe('corefile-missing');
    expect(r.summary).toContain('2/2 CoreDNS pods Ready');
  });
});

describe("the Corefile is read from the ConfigMap CoreDNS's pods mount", () => {
  // RKE2's Corefile as kubectl get cm rke2-coredns-rke2-coredns -n kube-system -o yaml printed it
  // (https://github.com/rancher/rancher/issues/54091, v1.33.8+rke2r1).
  const rke2Corefile = `.:53 {
    errors
    health {
        lameduck 10s
    }
    ready
    kubernetes  cluster.local  cluster.local in-addr.arpa ip6.arpa {
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    prometheus  0.0.0.0:9153
    forward  . /etc/resolv.conf
    cache  30
    loop
    reload
    loadbalance
}`;
  // The pod mounts it as the coredns Helm chart (rke2-coredns's upstream) renders the volume: items key Corefile.
  const rke2Pod = () => {
    const pod = systemPod('rke2-coredns-rke2-coredns-565dfc7d75-r2g2z', {
      node: 'worker-1',
      labels: { 'k8s-app': 'kube-dns' },
      container: 'coredns',
    }) as { spec: Record<string, unknown> };
    pod.spec.volumes = [
      {
        name: 'config-volume',
        configMap: { name: 'rke2-coredns-rke2-coredns', items: [{ key: 'Corefile', path: 'Corefile' }] },
      },
    ];
    return pod;
  };

  it('corefileConfigMapName: the volume whose items hold the Corefile, else one named like coredns, else coredns', () => {
    expect(corefileConfigMapName([rke2Pod() as never])).toBe('rke2-coredns-rke2-coredns');
    const two = {
      spec: {
        volumes: [
          { name: 'a', configMap: { name: 'other-cfgmap' } },
          { name: 'b', configMap: { name: 'coredns' } },
        ],
      },
    };
    expect(corefileConfigMapName([two as never])).toBe('coredns');
    expect(corefileConfigMapName([])).toBe('coredns');
  });

  it("RKE2: the Corefile is found (healthy, its forwarder read), not reported missing under kubeadm's name", async () => {
    const rke2Cm = { ...cm(rke2Corefile), metadata: { name: 'rke2-coredns-rke2-coredns', namespace: 'kube-system' } };
    const t = await startTestDrill({
      cluster: { nodes: [{ name: 'worker-1' }] } as never,
      objects: [rke2Cm, rke2Pod()] as never,
    });
    try {
      const r = await runWithin(t, 'cluster.coredns', {});
      expect(r.outcome).toBe('healthy');
      expect(r.facts).toMatchObject({
        forwarders: '. → /etc/resolv.conf',
        corefileConfigMap: 'rke2-coredns-rke2-coredns',
      });
    } finally {
      await t.close();
    }
  });
});

describe('splitHostPort: an upstream as CoreDNS logs it, for dig @host -p port', () => {
  it('splits a port, keeps 53 by default, unwraps an IPv6 address', () => {
    expect(splitHostPort('150.45.86.241')).toEqual(['150.45.86.241', '53']);
    expect(splitHostPort('10.0.0.2:5353')).toEqual(['10.0.0.2', '5353']);
    expect(splitHostPort('[2001:4860:4860::8888]')).toEqual(['2001:4860:4860::8888', '53']);
    expect(splitHostPort('[fd00::1]:5353')).toEqual(['fd00::1', '5353']);
    expect(splitHostPort('fd00::1')).toEqual(['fd00::1', '53']);
  });
});
