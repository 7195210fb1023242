import { describe, expect, it } from 'vitest';
import { serviceTable } from '../../../../src/drill/apiserver/tables/services.js';
import type { KubeObject } from '../../../../src/drill/types.js';

const now = new Date('2025-01-10T12:00:00Z');

function svc(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', namespace: 'n', creationTimestamp: '2025-01-10T11:00:00Z' },
    spec,
    status,
  };
}

describe('service printer', () => {
  it.each([
    [
      'ClusterIP without external IPs',
      { clusterIP: '10.0.0.1', ports: [{ port: 80 }] },
      {},
      ['ClusterIP', '10.0.0.1', '<none>', '80/TCP'],
    ],
    ['a headless service', { clusterIP: 'None', clusterIPs: ['None'] }, {}, ['ClusterIP', 'None', '<none>', '<none>']],
    [
      'NodePort',
      {
        type: 'NodePort',
        clusterIPs: ['10.0.0.2'],
        ports: [
          { port: 80, nodePort: 30080, protocol: 'TCP' },
          { port: 53, protocol: 'UDP' },
        ],
      },
      {},
      ['NodePort', '10.0.0.2', '<none>', '80:30080/TCP,53/UDP'],
    ],
    [
      'a LoadBalancer still waiting',
      { type: 'LoadBalancer', clusterIPs: ['10.0.0.3'], ports: [{ port: 443, nodePort: 31443 }] },
      {},
      ['LoadBalancer', '10.0.0.3', '<pending>', '443:31443/TCP'],
    ],
    [
      'a LoadBalancer with an address',
      { type: 'LoadBalancer', clusterIPs: ['10.0.0.3'], ports: [{ port: 443 }] },
      { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'lb.example.com' }] } },
      ['LoadBalancer', '10.0.0.3', '203.0.113.9,lb.example.com', '443/TCP'],
    ],
    [
      'ExternalName',
      { type: 'ExternalName', externalName: 'db.example.com' },
      {},
      ['ExternalName', '<none>', 'db.example.com', '<none>'],
    ],
  ])('%s', (_label, spec, status, cells) => {
    expect(serviceTable.row(svc(spec, status), now).cells.slice(1, 5)).toEqual(cells);
  });

  it('prints AGE and the wide SELECTOR', () => {
    const cells = serviceTable.row(svc({ selector: { app: 'web' } }), now).cells;
    expect([cells[5], cells[6]]).toEqual(['60m', 'app=web']);
  });
});
