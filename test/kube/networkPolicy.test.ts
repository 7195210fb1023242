import { describe, expect, it } from 'vitest';
import { decide, inCidr, policyTypes } from '../../src/kube/networkPolicy.js';
import type { Connection, NetworkPolicyView, Party } from '../../src/kube/networkPolicy.js';

/**
 * The cases of https://kubernetes.io/docs/concepts/services-networking/network-policies/
 * ("The NetworkPolicy resource", "Behavior of to and from selectors",
 * "Default policies", "Targeting a range of ports"), each as the page states
 * its effect.
 */

const namespaces: Record<string, Record<string, string>> = {
  default: { 'kubernetes.io/metadata.name': 'default' },
  myproject: { 'kubernetes.io/metadata.name': 'myproject', project: 'myproject' },
  other: { 'kubernetes.io/metadata.name': 'other' },
};
const nsLabels = (ns: string) => namespaces[ns];

// The page's test-network-policy, verbatim in its fields.
const testNetworkPolicy: NetworkPolicyView = {
  metadata: { name: 'test-network-policy', namespace: 'default' },
  spec: {
    podSelector: { matchLabels: { role: 'db' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      {
        from: [
          { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
          { namespaceSelector: { matchLabels: { project: 'myproject' } } },
          { podSelector: { matchLabels: { role: 'frontend' } } },
        ],
        ports: [{ protocol: 'TCP', port: 6379 }],
      },
    ],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] }],
  },
};

const db: Party = { namespace: 'default', labels: { role: 'db' }, ip: '10.244.1.5' };
const frontend: Party = { namespace: 'default', labels: { role: 'frontend' }, ip: '10.244.2.7' };
const backend: Party = { namespace: 'default', labels: { role: 'backend' }, ip: '10.244.2.8' };
const inMyproject: Party = { namespace: 'myproject', labels: { app: 'x' }, ip: '10.244.3.9' };
const inOther: Party = { namespace: 'other', labels: { role: 'frontend' }, ip: '10.244.3.10' };
const ext = (ip: string): Party => ({ ip, external: true });

const conn = (from: Party, to: Party, port: number, protocol = 'TCP'): Connection => ({ from, to, port, protocol });

describe("the page's test-network-policy", () => {
  it.each([
    ['a role=frontend pod in default, to 6379', conn(frontend, db, 6379), true],
    ['a role=frontend pod in default, to another port', conn(frontend, db, 6380), false],
    ['UDP 6379 (only TCP is allowed)', conn(frontend, db, 6379, 'UDP'), false],
    ['any pod in a namespace labelled project=myproject', conn(inMyproject, db, 6379), true],
    ['a role=backend pod in default', conn(backend, db, 6379), false],
    [
      'a role=frontend pod in another namespace (podSelector alone means this namespace)',
      conn(inOther, db, 6379),
      false,
    ],
    ['172.17.0.1 (in 172.17.0.0–172.17.0.255)', conn(ext('172.17.0.1'), db, 6379), true],
    ['172.17.1.20 (the except 172.17.1.0/24)', conn(ext('172.17.1.20'), db, 6379), false],
    ['172.17.2.3 (in 172.17.2.0–172.17.255.255)', conn(ext('172.17.2.3'), db, 6379), true],
    ['172.18.0.1 (outside the block)', conn(ext('172.18.0.1'), db, 6379), false],
  ])('ingress to role=db from %s', (_what, c, allowed) => {
    const v = decide([testNetworkPolicy], c, nsLabels);
    expect(v.allowed).toBe(allowed);
    expect(v.ingress.isolatedBy).toEqual(['test-network-policy']);
    if (!allowed) expect(v.deniedAt).toBe('ingress');
  });

  it.each([
    ['10.0.0.7 on TCP 5978', conn(db, ext('10.0.0.7'), 5978), true],
    ['10.0.0.7 on TCP 80', conn(db, ext('10.0.0.7'), 80), false],
    ['10.0.1.7 on TCP 5978 (outside 10.0.0.0/24)', conn(db, ext('10.0.1.7'), 5978), false],
  ])('egress from role=db to %s', (_what, c, allowed) => {
    const v = decide([testNetworkPolicy], c, nsLabels);
    expect(v.allowed).toBe(allowed);
    if (!allowed) expect(v.deniedAt).toBe('egress');
  });

  it('leaves pods it does not select alone', () => {
    const v = decide([testNetworkPolicy], conn(backend, frontend, 80), nsLabels);
    expect(v).toMatchObject({ allowed: true, ingress: { isolatedBy: [] }, egress: { isolatedBy: [] } });
  });
});

describe('to and from selectors: one element (AND) against two (OR)', () => {
  const and: NetworkPolicyView = {
    metadata: { name: 'and', namespace: 'default' },
    spec: {
      podSelector: { matchLabels: { role: 'db' } },
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } },
          ],
        },
      ],
    },
  };
  const or: NetworkPolicyView = {
    metadata: { name: 'or', namespace: 'default' },
    spec: {
      podSelector: { matchLabels: { role: 'db' } },
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { user: 'alice' } } },
            { podSelector: { matchLabels: { role: 'client' } } },
          ],
        },
      ],
    },
  };
  const alice = (ns: string): Record<string, string> => (ns === 'alice-ns' ? { user: 'alice' } : {});
  const clientInAlice: Party = { namespace: 'alice-ns', labels: { role: 'client' } };
  const otherInAlice: Party = { namespace: 'alice-ns', labels: { role: 'other' } };
  const clientHere: Party = { namespace: 'default', labels: { role: 'client' } };

  it.each([
    ['and', and, clientInAlice, true],
    ['and', and, otherInAlice, false],
    ['and', and, clientHere, false],
    ['or', or, clientInAlice, true],
    ['or', or, otherInAlice, true],
    ['or', or, clientHere, true],
  ])('%s policy', (_n, policy, from, allowed) => {
    expect(decide([policy], conn(from, db, 5432), alice).allowed).toBe(allowed);
  });
});

describe('default policies', () => {
  const defaultDenyIngress: NetworkPolicyView = {
    metadata: { name: 'default-deny-ingress', namespace: 'default' },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  };
  const allowAllIngress: NetworkPolicyView = {
    metadata: { name: 'allow-all-ingress', namespace: 'default' },
    spec: { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] },
  };
  const defaultDenyEgress: NetworkPolicyView = {
    metadata: { name: 'default-deny-egress', namespace: 'default' },
    spec: { podSelector: {}, policyTypes: ['Egress'] },
  };
  const allowAllEgress: NetworkPolicyView = {
    metadata: { name: 'allow-all-egress', namespace: 'default' },
    spec: { podSelector: {}, egress: [{}], policyTypes: ['Egress'] },
  };
  const defaultDenyAll: NetworkPolicyView = {
    metadata: { name: 'default-deny-all', namespace: 'default' },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };

  it('default-deny-ingress isolates every pod of the namespace for ingress, egress stays open', () => {
    const v = decide([defaultDenyIngress], conn(inOther, db, 80), nsLabels);
    expect(v).toMatchObject({ allowed: false, deniedAt: 'ingress', ingress: { isolatedBy: ['default-deny-ingress'] } });
    expect(decide([defaultDenyIngress], conn(db, inOther, 80), nsLabels).allowed).toBe(true);
  });
  it('allow-all-ingress lets everything in, even with default-deny-ingress beside it (policies add up)', () => {
    const v = decide([defaultDenyIngress, allowAllIngress], conn(ext('8.8.8.8'), db, 80), nsLabels);
    expect(v).toMatchObject({ allowed: true, ingress: { allowedBy: 'allow-all-ingress' } });
  });
  it('default-deny-egress stops new connections out, ingress stays open', () => {
    expect(decide([defaultDenyEgress], conn(db, inOther, 53, 'UDP'), nsLabels)).toMatchObject({
      allowed: false,
      deniedAt: 'egress',
    });
    expect(decide([defaultDenyEgress], conn(inOther, db, 80), nsLabels).allowed).toBe(true);
  });
  it('allow-all-egress lets everything out', () => {
    expect(decide([defaultDenyEgress, allowAllEgress], conn(db, ext('1.1.1.1'), 443), nsLabels).allowed).toBe(true);
  });
  it('default-deny-all stops both, even between two pods of the namespace', () => {
    expect(decide([defaultDenyAll], conn(frontend, db, 80), nsLabels)).toMatchObject({
      allowed: false,
      deniedAt: 'ingress',
    });
  });
  it('policyTypes defaults to Ingress, and to Egress too when egress rules are given', () => {
    expect(policyTypes({ metadata: { name: 'a' }, spec: { podSelector: {} } })).toEqual(['ingress']);
    expect(policyTypes({ metadata: { name: 'b' }, spec: { podSelector: {}, egress: [{}] } })).toEqual([
      'ingress',
      'egress',
    ]);
  });
});

describe('ports', () => {
  const multiPort: NetworkPolicyView = {
    metadata: { name: 'multi-port-egress', namespace: 'default' },
    spec: {
      podSelector: { matchLabels: { role: 'db' } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] },
      ],
    },
  };
  it.each([
    [32000, true],
    [32500, true],
    [32768, true],
    [32769, false],
    [31999, false],
  ])('endPort: TCP %d to 10.0.0.0/24', (port, allowed) => {
    expect(decide([multiPort], conn(db, ext('10.0.0.20'), port), nsLabels).allowed).toBe(allowed);
  });

  it("a named port is the destination pod's container port of that name", () => {
    const named: NetworkPolicyView = {
      metadata: { name: 'named', namespace: 'default' },
      spec: { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] },
    };
    const web: Party = {
      namespace: 'default',
      labels: { app: 'web' },
      namedPorts: { http: { port: 8080, protocol: 'TCP' } },
    };
    expect(decide([named], conn(frontend, web, 8080), nsLabels).allowed).toBe(true);
    expect(decide([named], conn(frontend, web, 80), nsLabels).allowed).toBe(false);
  });
});

it.each([
  ['172.17.0.1', '172.17.0.0/16', true],
  ['172.18.0.1', '172.17.0.0/16', false],
  ['10.0.0.255', '10.0.0.0/24', true],
  ['1.2.3.4', '0.0.0.0/0', true],
  ['fd00::1', '10.0.0.0/8', false],
])('inCidr(%s, %s)', (ip, cidr, inside) => expect(inCidr(ip, cidr)).toBe(inside));
