import { describe, expect, it } from 'vitest';
import { summarizePod } from '../../../../src/drill/apiserver/tables/pods.js';
import type { KubeObject } from '../../../../src/drill/types.js';

const now = new Date('2025-01-10T12:00:00Z');
const ago = (sec: number): string => new Date(now.getTime() - sec * 1000).toISOString();

function pod(
  spec: Record<string, unknown>,
  status: Record<string, unknown>,
  metadata: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', ...metadata },
    spec: { containers: [{ name: 'app' }], ...spec },
    status,
  };
}

const waiting = (reason: string): Record<string, unknown> => ({
  name: 'app',
  ready: false,
  restartCount: 0,
  state: { waiting: { reason } },
});
const runningReady = { name: 'app', ready: true, restartCount: 0, state: { running: {} } };

describe('pod READY / STATUS / RESTARTS (printers.go printPod)', () => {
  it.each<[string, KubeObject, string, string, string]>([
    ['unscheduled', pod({}, { phase: 'Pending' }), '0/1', 'Pending', '0'],
    [
      'scheduling gated',
      pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
      '0/1',
      'SchedulingGated',
      '0',
    ],
    ['evicted', pod({}, { phase: 'Failed', reason: 'Evicted' }), '0/1', 'Evicted', '0'],
    [
      'creating',
      pod({}, { phase: 'Pending', containerStatuses: [waiting('ContainerCreating')] }),
      '0/1',
      'ContainerCreating',
      '0',
    ],
    [
      'image pull',
      pod({}, { phase: 'Pending', containerStatuses: [waiting('ErrImagePull')] }),
      '0/1',
      'ErrImagePull',
      '0',
    ],
    ['running', pod({}, { phase: 'Running', containerStatuses: [runningReady] }), '1/1', 'Running', '0'],
    [
      'running, not ready',
      pod({}, { phase: 'Running', containerStatuses: [{ ...runningReady, ready: false }] }),
      '0/1',
      'Running',
      '0',
    ],
    [
      'crash looping',
      pod(
        {},
        {
          phase: 'Running',
          containerStatuses: [
            {
              ...waiting('CrashLoopBackOff'),
              restartCount: 7,
              lastState: { terminated: { exitCode: 1, finishedAt: ago(150) } },
            },
          ],
        },
      ),
      '0/1',
      'CrashLoopBackOff',
      '7 (2m30s ago)',
    ],
    [
      'oom killed',
      pod(
        {},
        {
          phase: 'Running',
          containerStatuses: [
            { name: 'app', restartCount: 1, state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } },
          ],
        },
      ),
      '0/1',
      'OOMKilled',
      '1',
    ],
    [
      'killed by signal',
      pod(
        {},
        { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, signal: 9 } } }] },
      ),
      '0/1',
      'Signal:9',
      '0',
    ],
    [
      'exit code',
      pod({}, { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 3 } } }] }),
      '0/1',
      'ExitCode:3',
      '0',
    ],
    [
      'completed',
      pod(
        {},
        {
          phase: 'Succeeded',
          containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
        },
      ),
      '0/1',
      'Completed',
      '0',
    ],
    [
      'one done, one running and ready',
      pod(
        { containers: [{ name: 'a' }, { name: 'b' }] },
        {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [
            { name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
            { ...runningReady, name: 'b' },
          ],
        },
      ),
      '1/2',
      'Running',
      '0',
    ],
    [
      'one done, one running, pod not ready',
      pod(
        { containers: [{ name: 'a' }, { name: 'b' }] },
        {
          phase: 'Running',
          containerStatuses: [
            { name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
            { ...runningReady, name: 'b' },
          ],
        },
      ),
      '1/2',
      'NotReady',
      '0',
    ],
    [
      'init waiting',
      pod(
        { initContainers: [{ name: 'init' }] },
        {
          phase: 'Pending',
          initContainerStatuses: [{ name: 'init', state: { waiting: { reason: 'PodInitializing' } } }],
        },
      ),
      '0/1',
      'Init:0/1',
      '0',
    ],
    [
      'init crash looping',
      pod(
        { initContainers: [{ name: 'init' }] },
        {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'init', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } },
          ],
        },
      ),
      '0/1',
      'Init:CrashLoopBackOff',
      '2',
    ],
    [
      'init failed',
      pod(
        { initContainers: [{ name: 'init' }] },
        {
          phase: 'Pending',
          initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 2, reason: 'Error' } } }],
        },
      ),
      '0/1',
      'Init:Error',
      '0',
    ],
    [
      'sidecar started and ready',
      pod(
        { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
        {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [
            { name: 'proxy', started: true, ready: true, restartCount: 1, state: { running: {} } },
          ],
          containerStatuses: [runningReady],
        },
      ),
      '2/2',
      'Running',
      '1',
    ],
    [
      'terminating',
      pod({}, { phase: 'Running', containerStatuses: [runningReady] }, { deletionTimestamp: ago(5) }),
      '1/1',
      'Terminating',
      '0',
    ],
    ['terminating, finished', pod({}, { phase: 'Succeeded' }, { deletionTimestamp: ago(5) }), '0/1', 'Succeeded', '0'],
    [
      'node lost',
      pod(
        {},
        { phase: 'Running', reason: 'NodeLost', containerStatuses: [runningReady] },
        { deletionTimestamp: ago(5) },
      ),
      '1/1',
      'Unknown',
      '0',
    ],
  ])('%s', (_name, p, ready, status, restarts) => {
    expect(summarizePod(p, now)).toEqual({ ready, status, restarts });
  });
});
