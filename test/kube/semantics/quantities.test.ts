import { describe, expect, it } from 'vitest';
import { milliCPU, parseQuantity, podQosClass } from '../../../src/kube/semantics/quantities.js';

const c = (requests?: Record<string, string>, limits?: Record<string, string>) => ({
  resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
});

describe('quantities', () => {
  it.each([
    ['500m', 0.5],
    ['1', 1],
    ['128Mi', 128 * 1024 ** 2],
    ['1G', 1e9],
    ['2Gi', 2 * 1024 ** 3],
  ])('%s is %d', (q, n) => expect(parseQuantity(q)).toBe(n));
  it('cpu in millicores', () => expect([milliCPU('1'), milliCPU('250m'), milliCPU('0.1')]).toEqual([1000, 250, 100]));
});

// The cases of kubernetes.io/docs/tasks/configure-pod-container/quality-service-pod/ (qos-demo to qos-demo-4),
// and the rules of ComputePodQOS they stand for.
describe('podQosClass', () => {
  it.each([
    [
      'qos-demo: requests equal limits for cpu and memory',
      [c({ memory: '200Mi', cpu: '700m' }, { memory: '200Mi', cpu: '700m' })],
      'Guaranteed',
    ],
    ['limits alone: the requests default to them', [c(undefined, { memory: '200Mi', cpu: '700m' })], 'Guaranteed'],
    ['qos-demo-2: memory request below its limit', [c({ memory: '100Mi' }, { memory: '200Mi' })], 'Burstable'],
    ['qos-demo-3: no requests and no limits', [c()], 'BestEffort'],
    ['qos-demo-4: one of two containers asks for memory', [c({ memory: '200Mi' }), c()], 'Burstable'],
    [
      'the same amount written two ways (1 and 1000m) is equal',
      [c({ cpu: '1', memory: '1Gi' }, { cpu: '1000m', memory: '1024Mi' })],
      'Guaranteed',
    ],
    [
      'only cpu and memory count: ephemeral-storage alone is BestEffort',
      [c({ 'ephemeral-storage': '1Gi' })],
      'BestEffort',
    ],
    ['a cpu limit without a memory limit is not Guaranteed', [c(undefined, { cpu: '1' })], 'Burstable'],
  ] as const)('%s', (_name, containers, want) => expect(podQosClass(containers)).toBe(want));

  it('counts init containers: one without limits makes a Guaranteed pod Burstable', () => {
    const app = [c(undefined, { memory: '200Mi', cpu: '700m' })];
    expect(podQosClass(app, [c({ cpu: '100m' })])).toBe('Burstable');
    expect(podQosClass(app, [c(undefined, { memory: '50Mi', cpu: '100m' })])).toBe('Guaranteed');
  });
});
