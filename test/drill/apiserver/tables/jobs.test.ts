import { describe, expect, it } from 'vitest';
import { cronJobTable, jobTable } from '../../../../src/drill/apiserver/tables/jobs.js';
import type { KubeObject } from '../../../../src/drill/types.js';

const now = new Date('2025-01-10T12:00:00Z');

function job(
  spec: Record<string, unknown>,
  status: Record<string, unknown>,
  meta: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j', namespace: 'n', creationTimestamp: '2025-01-10T11:00:00Z', ...meta },
    spec: {
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } },
      template: {
        spec: {
          containers: [
            { name: 'app', image: 'app:1' },
            { name: 'sidecar', image: 'proxy:2' },
          ],
        },
      },
      ...spec,
    },
    status,
  };
}

const cond = (type: string, status = 'True') => ({ type, status });
const cells = (o: KubeObject) => jobTable.row(o, now).cells;

describe('job printer', () => {
  it('has the 1.31 columns, the last three only with -o wide', () => {
    expect(jobTable.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Status', 0],
      ['Completions', 0],
      ['Duration', 0],
      ['Age', 0],
      ['Containers', 1],
      ['Images', 1],
      ['Selector', 1],
    ]);
  });

  it('prints a complete job with the time from start to completion', () => {
    const complete = job(
      { completions: 3 },
      {
        succeeded: 3,
        startTime: '2025-01-10T11:00:05Z',
        completionTime: '2025-01-10T11:04:35Z',
        conditions: [cond('Complete')],
      },
    );
    expect(cells(complete)).toEqual([
      'j',
      'Complete',
      '3/3',
      '4m30s',
      '60m',
      'app,sidecar',
      'app:1,proxy:2',
      'batch.kubernetes.io/controller-uid=u-1',
    ]);
  });

  it('a running job counts its duration up to now; one not started yet has none', () => {
    expect(cells(job({ completions: 1 }, { active: 1, startTime: '2025-01-10T11:58:30Z' })).slice(1, 4)).toEqual([
      'Running',
      '0/1',
      '90s',
    ]);
    expect(cells(job({ completions: 1 }, {})).slice(1, 4)).toEqual(['Running', '0/1', '']);
  });

  it('a failed job has no completionTime, so its duration keeps counting', () => {
    const failed = job(
      { completions: 1 },
      { failed: 7, startTime: '2025-01-10T10:00:00Z', conditions: [cond('FailureTarget'), cond('Failed')] },
    );
    expect(cells(failed).slice(1, 4)).toEqual(['Failed', '0/1', '120m']);
  });

  it('without completions prints n/1, with the parallelism when above one', () => {
    expect(cells(job({ parallelism: 4 }, { succeeded: 1 }))[2]).toBe('1/1 of 4');
    expect(cells(job({ parallelism: 1 }, {}))[2]).toBe('0/1');
    expect(cells(job({}, {}))[2]).toBe('0/1');
  });

  it('decides the status in 1.31 order: complete, failed, terminating, suspended, failure target, running', () => {
    const deleting = { deletionTimestamp: '2025-01-10T11:59:00Z' };
    expect(cells(job({}, { conditions: [cond('Complete')] }, deleting))[1]).toBe('Complete');
    expect(cells(job({}, { conditions: [cond('Failed')] }, deleting))[1]).toBe('Failed');
    expect(cells(job({}, { conditions: [cond('Suspended')] }, deleting))[1]).toBe('Terminating');
    expect(cells(job({ suspend: true }, { conditions: [cond('Suspended')] }))[1]).toBe('Suspended');
    expect(cells(job({}, { conditions: [cond('FailureTarget')] }))[1]).toBe('FailureTarget');
    // A resumed job keeps its Suspended condition, now False; 1.31 does not know SuccessCriteriaMet.
    expect(cells(job({}, { conditions: [cond('Suspended', 'False'), cond('SuccessCriteriaMet')] }))[1]).toBe('Running');
  });

  it('prints <none> for a job without a selector', () => {
    expect(cells(job({ selector: undefined }, {}))[7]).toBe('<none>');
  });
});

function cronJob(spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'c', namespace: 'n', creationTimestamp: '2025-01-01T12:00:00Z' },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'report', image: 'report:2' }] } } } },
      ...spec,
    },
    status,
  };
}

describe('cronjob printer', () => {
  it('has the 1.31 columns, the last three only with -o wide', () => {
    expect(cronJobTable.columns.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Schedule', 'string', 0],
      ['Timezone', 'string', 0],
      ['Suspend', 'boolean', 0],
      ['Active', 'integer', 0],
      ['Last Schedule', 'string', 0],
      ['Age', 'string', 0],
      ['Containers', 'string', 1],
      ['Images', 'string', 1],
      ['Selector', 'string', 1],
    ]);
  });

  it('prints schedule, time zone, suspend, active jobs and when it last ran', () => {
    const cj = cronJob(
      { timeZone: 'Etc/UTC', suspend: true },
      {
        active: [
          { kind: 'Job', name: 'c-1' },
          { kind: 'Job', name: 'c-2' },
        ],
        lastScheduleTime: '2025-01-10T11:55:00Z',
      },
    );
    expect(cronJobTable.row(cj, now).cells).toEqual([
      'c',
      '*/5 * * * *',
      'Etc/UTC',
      'True',
      2,
      '5m',
      '9d',
      'report',
      'report:2',
      '<none>',
    ]);
  });

  it('prints <none> for no time zone and no schedule yet, and False for the defaulted suspend', () => {
    expect(cronJobTable.row(cronJob({}, {}), now).cells.slice(1, 6)).toEqual([
      '*/5 * * * *',
      '<none>',
      'False',
      0,
      '<none>',
    ]);
  });

  it('takes the selector from the job template', () => {
    const cj = cronJob(
      { jobTemplate: { spec: { selector: { matchLabels: { app: 'r' } }, template: { spec: { containers: [] } } } } },
      {},
    );
    expect(cronJobTable.row(cj, now).cells.slice(7)).toEqual(['', '', 'app=r']);
  });
});
