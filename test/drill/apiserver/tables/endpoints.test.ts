import { describe, expect, it } from 'vitest';
import { endpointSliceTable, formatEndpoints } from '../../../../src/drill/apiserver/tables/endpoints.js';
import type { KubeObject } from '../../../../src/drill/types.js';

const ep = (subsets?: unknown[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'e' },
  ...(subsets ? { subsets } : {}),
});

describe('endpoints printer', () => {
  it('says <none> without subsets', () => {
    expect(formatEndpoints(ep())).toBe('<none>');
  });

  it('pairs every address with every port, three at most, then counts the rest', () => {
    const subsets = [
      {
        addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }],
        notReadyAddresses: [{ ip: '10.0.0.9' }],
        ports: [
          { name: 'http', port: 80 },
          { name: 'metrics', port: 9090 },
        ],
      },
    ];
    expect(formatEndpoints(ep(subsets))).toBe('10.0.0.1:80,10.0.0.2:80,10.0.0.1:9090 + 1 more...');
  });

  it('prints bare addresses for a headless service without ports, and brackets IPv6', () => {
    expect(formatEndpoints(ep([{ addresses: [{ ip: '10.0.0.1' }] }]))).toBe('10.0.0.1');
    expect(formatEndpoints(ep([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 443 }] }]))).toBe('[fd00::1]:443');
  });

  it('prints endpoint slices: ports by number or name, addresses of every endpoint', () => {
    const slice: KubeObject = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 's-abc' },
      addressType: 'IPv4',
      ports: [{ port: 80 }, { name: 'grpc' }, {}],
      endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2', '10.0.0.3'] }, { addresses: ['10.0.0.4'] }],
    };
    expect(endpointSliceTable.row(slice, new Date()).cells.slice(0, 4)).toEqual([
      's-abc',
      'IPv4',
      '80,grpc,*',
      '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...',
    ]);
    expect(endpointSliceTable.row({ ...slice, ports: [], endpoints: [] }, new Date()).cells.slice(2, 4)).toEqual([
      '<unset>',
      '<unset>',
    ]);
  });
});
