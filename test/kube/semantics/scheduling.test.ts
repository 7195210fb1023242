// Kubernetes' own documented cases for taints, tolerations and node affinity:
// https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
// https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/
// and the source rules named in src/kube/semantics/scheduling.ts.
import { describe, expect, it } from 'vitest';
import {
  daemonPodTolerations,
  podFitsNode,
  requirementMatches,
  termMatches,
  toleratesTaint,
  untoleratedTaints,
  type NodeLike,
  type Taint,
  type Toleration,
} from '../../../src/kube/semantics/scheduling.js';

const taint: Taint = { key: 'key1', value: 'value1', effect: 'NoSchedule' };

describe('toleratesTaint (Toleration.ToleratesTaint)', () => {
  it.each<[string, Toleration, Taint, boolean]>([
    // The page's two tolerations that both match `kubectl taint nodes node1 key1=value1:NoSchedule`.
    [
      'Equal with the same key, value and effect',
      { key: 'key1', operator: 'Equal', value: 'value1', effect: 'NoSchedule' },
      taint,
      true,
    ],
    ['Exists with the same key and effect', { key: 'key1', operator: 'Exists', effect: 'NoSchedule' }, taint, true],
    ['no operator means Equal', { key: 'key1', value: 'value1', effect: 'NoSchedule' }, taint, true],
    [
      'Equal with another value',
      { key: 'key1', operator: 'Equal', value: 'value2', effect: 'NoSchedule' },
      taint,
      false,
    ],
    ['another effect', { key: 'key1', operator: 'Exists', effect: 'NoExecute' }, taint, false],
    // "An empty effect matches all effects with key key1."
    [
      'an empty effect matches every effect of that key',
      { key: 'key1', operator: 'Exists' },
      { key: 'key1', effect: 'NoExecute' },
      true,
    ],
    // "An empty key with operator Exists matches all keys, values and effects."
    [
      'an empty key with Exists tolerates everything',
      { operator: 'Exists' },
      { key: 'anything', value: 'x', effect: 'NoExecute' },
      true,
    ],
    [
      'an empty key with Exists and an effect tolerates only that effect',
      { operator: 'Exists', effect: 'NoSchedule' },
      { key: 'k', effect: 'NoExecute' },
      false,
    ],
    ['another key', { key: 'key2', operator: 'Exists' }, taint, false],
    [
      'a taint with no value is matched by Equal with no value',
      { key: 'dedicated', operator: 'Equal', effect: 'NoSchedule' },
      { key: 'dedicated', effect: 'NoSchedule' },
      true,
    ],
    [
      'an operator the API does not know tolerates nothing',
      { key: 'key1', operator: 'Gte', value: 'value1' },
      taint,
      false,
    ],
  ])('%s', (_what, tol, t, want) => {
    expect(toleratesTaint(tol, t)).toBe(want);
  });

  it('the page’s three-taint example: the pod is not scheduled, but one already running stays', () => {
    const taints: Taint[] = [
      { key: 'key1', value: 'value1', effect: 'NoSchedule' },
      { key: 'key1', value: 'value1', effect: 'NoExecute' },
      { key: 'key2', value: 'value1', effect: 'NoSchedule' },
    ];
    const tolerations: Toleration[] = [
      { key: 'key1', operator: 'Equal', value: 'value1', effect: 'NoSchedule' },
      { key: 'key1', operator: 'Equal', value: 'value1', effect: 'NoExecute' },
    ];
    expect(untoleratedTaints(taints, tolerations)).toEqual([{ key: 'key2', value: 'value1', effect: 'NoSchedule' }]);
    expect(untoleratedTaints(taints, tolerations, ['NoExecute'])).toEqual([]);
  });

  it('PreferNoSchedule never keeps a pod off a node', () => {
    expect(untoleratedTaints([{ key: 'k', effect: 'PreferNoSchedule' }], [])).toEqual([]);
  });
});

const node = (name: string, labels: Record<string, string>): NodeLike => ({ metadata: { name, labels } });

describe('node selection (nodeSelector and required node affinity)', () => {
  it.each<[string, string | undefined, boolean]>([
    ['In', 'ssd', true],
    ['In', 'hdd', false],
    ['In', undefined, false],
    ['NotIn', 'hdd', true],
    ['NotIn', undefined, true],
    ['Exists', 'x', true],
    ['Exists', undefined, false],
    ['DoesNotExist', undefined, true],
  ])('%s against %s is %s', (op, value, want) => {
    expect(
      requirementMatches(
        { key: 'disktype', operator: op, values: op === 'In' || op === 'NotIn' ? ['ssd'] : [] },
        value,
      ),
    ).toBe(want);
  });

  it('Gt and Lt compare integers; a label that is no integer matches neither', () => {
    expect(requirementMatches({ key: 'cores', operator: 'Gt', values: ['8'] }, '16')).toBe(true);
    // As integers, not strings: "16" < "8" as text.
    expect(requirementMatches({ key: 'cores', operator: 'Lt', values: ['8'] }, '16')).toBe(false);
    expect(requirementMatches({ key: 'cores', operator: 'Gt', values: ['8'] }, 'many')).toBe(false);
    expect(requirementMatches({ key: 'cores', operator: 'Gt', values: ['8', '9'] }, '16')).toBe(false);
  });

  it('terms are ORed, the expressions inside one term ANDed', () => {
    const spec = {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: 'zone', operator: 'In', values: ['a'] },
                  { key: 'disktype', operator: 'In', values: ['ssd'] },
                ],
              },
              { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
            ],
          },
        },
      },
    };
    expect(podFitsNode(spec, node('n1', { zone: 'a', disktype: 'ssd' }))).toBe(true);
    expect(podFitsNode(spec, node('n2', { zone: 'a', disktype: 'hdd' }))).toBe(false);
    expect(podFitsNode(spec, node('n3', { zone: 'b' }))).toBe(true);
  });

  it('nodeSelector and node affinity must both hold', () => {
    const spec = {
      nodeSelector: { disktype: 'ssd' },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }],
          },
        },
      },
    };
    expect(podFitsNode(spec, node('n1', { disktype: 'ssd', zone: 'a' }))).toBe(true);
    expect(podFitsNode(spec, node('n2', { disktype: 'ssd', zone: 'b' }))).toBe(false);
    expect(podFitsNode(spec, node('n3', { zone: 'a' }))).toBe(false);
  });

  it('matchFields names the node by metadata.name (how the DaemonSet controller pins its pods)', () => {
    const term = { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['worker-2'] }] };
    expect(termMatches(term, node('worker-2', {}))).toBe(true);
    expect(termMatches(term, node('worker-3', {}))).toBe(false);
    // A field other than metadata.name is never set on a node.
    expect(termMatches({ matchFields: [{ key: 'spec.podCIDR', operator: 'Exists' }] }, node('worker-2', {}))).toBe(
      false,
    );
  });

  it('an empty term matches no node', () => {
    expect(termMatches({}, node('n1', { a: 'b' }))).toBe(false);
  });
});

describe('daemonPodTolerations (AddOrUpdateDaemonPodTolerations)', () => {
  it('tolerates the node lifecycle taints, and network-unavailable only with hostNetwork', () => {
    const keys = (hostNetwork: boolean) => daemonPodTolerations(hostNetwork).map((t) => `${t.key}:${t.effect}`);
    expect(keys(false)).toEqual([
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule',
      'node.kubernetes.io/pid-pressure:NoSchedule',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    expect(keys(true)).toContain('node.kubernetes.io/network-unavailable:NoSchedule');
    // A cordoned node keeps its daemon pods schedulable; a dedicated taint does not.
    expect(
      untoleratedTaints(
        [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
        daemonPodTolerations(false),
      ),
    ).toEqual([]);
    expect(
      untoleratedTaints([{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }], daemonPodTolerations(false)),
    ).toHaveLength(1);
  });
});
