import { describe, expect, it } from 'vitest';
import { apiServiceAvailable, apiServiceTable } from '../../../../src/drill/apiserver/tables/apiservices.js';
import type { KubeObject } from '../../../../src/drill/types.js';

function apiService(conditions?: Record<string, unknown>[], service?: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'v1beta1.metrics.k8s.io', creationTimestamp: '2025-01-10T00:00:00Z' },
    spec: { ...(service ? { service } : {}) },
    status: conditions ? { conditions } : {},
  };
}

describe('APIService printer', () => {
  it.each([
    [undefined, 'Unknown'],
    [[{ type: 'Available', status: 'True', reason: 'Passed' }], 'True'],
    [[{ type: 'Available', status: 'False', reason: 'MissingEndpoints' }], 'False (MissingEndpoints)'],
    [[{ type: 'Available', status: 'False', reason: 'FailedDiscoveryCheck' }], 'False (FailedDiscoveryCheck)'],
    [[{ type: 'Available', status: 'Unknown' }], 'Unknown'],
  ])('conditions %j print as %s', (conditions, text) => {
    expect(apiServiceAvailable(apiService(conditions))).toBe(text);
  });

  it('names its backing service, or Local', () => {
    expect(apiServiceTable.row(apiService(), new Date('2025-01-11T00:00:00Z')).cells).toEqual([
      'v1beta1.metrics.k8s.io',
      'Local',
      'Unknown',
      '24h',
    ]);
    expect(
      apiServiceTable.row(apiService(undefined, { namespace: 'kube-system', name: 'metrics-server' }), new Date())
        .cells[1],
    ).toBe('kube-system/metrics-server');
  });
});
