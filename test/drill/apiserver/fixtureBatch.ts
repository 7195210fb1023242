import type { KubeObject } from '../../../src/drill/types.js';
import { buildFixture } from './fixture.js';
import type { Fixture } from './fixture.js';

/**
 * Jobs and CronJobs in the states `kubectl get jobs,cronjobs` tells apart:
 * complete, failed, running (work queue), suspended; scheduled and
 * suspended. Kept out of fixtureWorkloads.ts so the shared fixture's
 * `get all` and counts stay as the other tests expect them.
 */

const ago = (now: Date, seconds: number): string =>
  new Date(now.getTime() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const m = 60;
const h = 60 * m;
const d = 24 * h;

const uid = (n: number): string => `7c1e4b2a-3d5f-4a6b-8c9d-${n.toString(16).padStart(12, '0')}`;

function job(
  now: Date,
  name: string,
  n: number,
  age: number,
  spec: Record<string, unknown>,
  status: Record<string, unknown>,
  owner?: { name: string; uid: string },
): KubeObject {
  // The job controller's own selector and labels, as a Job without manualSelector gets them.
  const labels = {
    'batch.kubernetes.io/controller-uid': uid(n),
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid(n),
    'job-name': name,
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: 'shop',
      uid: uid(n),
      creationTimestamp: ago(now, age),
      labels,
      ...(owner
        ? {
            ownerReferences: [
              { apiVersion: 'batch/v1', kind: 'CronJob', name: owner.name, uid: owner.uid, controller: true },
            ],
          }
        : {}),
    },
    spec: {
      backoffLimit: 6,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid(n) } },
      template: {
        metadata: { labels },
        spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] },
      },
      ...spec,
    },
    status,
  };
}

function cronJob(
  now: Date,
  name: string,
  n: number,
  spec: Record<string, unknown>,
  status: Record<string, unknown>,
): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'shop', uid: uid(n), creationTimestamp: ago(now, 9 * d) },
    spec: {
      concurrencyPolicy: 'Allow',
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        spec: {
          template: {
            spec: {
              restartPolicy: 'OnFailure',
              containers: [
                { name: 'report', image: 'registry.example.com/report:2.1' },
                { name: 'uploader', image: 'registry.example.com/uploader:1.4' },
              ],
            },
          },
        },
      },
      ...spec,
    },
    status,
  };
}

/** Statuses as 1.31's job controller writes them: ready and terminating always, zero or not. */
export function batchObjects(now: Date): KubeObject[] {
  const report = { name: 'report', uid: uid(100) };
  return [
    // The one that ran the fixture's Completed pod migrate-8xk2z: 30 seconds of work, five hours ago.
    job(
      now,
      'migrate',
      1,
      5 * h,
      { completions: 1, parallelism: 1 },
      {
        succeeded: 1,
        ready: 0,
        terminating: 0,
        startTime: ago(now, 5 * h),
        completionTime: ago(now, 5 * h - 30),
        conditions: [
          {
            type: 'SuccessCriteriaMet',
            status: 'True',
            reason: 'CompletionsReached',
            message: 'Reached expected number of succeeded pods',
          },
          {
            type: 'Complete',
            status: 'True',
            reason: 'CompletionsReached',
            message: 'Reached expected number of succeeded pods',
          },
        ],
      },
    ),
    // Failed jobs get no completionTime, so their duration keeps running.
    job(
      now,
      'report-28919160',
      2,
      2 * h,
      { completions: 1, parallelism: 1 },
      {
        failed: 7,
        ready: 0,
        terminating: 0,
        startTime: ago(now, 2 * h),
        conditions: [
          {
            type: 'FailureTarget',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ],
      },
      report,
    ),
    // A work queue: no completions, two at a time.
    job(
      now,
      'report-28919280',
      3,
      3 * m,
      { parallelism: 2 },
      { active: 2, ready: 1, terminating: 0, startTime: ago(now, 3 * m) },
      report,
    ),
    job(
      now,
      'reindex',
      4,
      40 * m,
      { completions: 5, parallelism: 1, suspend: true },
      {
        succeeded: 2,
        ready: 0,
        terminating: 0,
        conditions: [{ type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }],
      },
    ),

    cronJob(
      now,
      'report',
      100,
      { schedule: '0 */2 * * *', suspend: false },
      {
        active: [{ apiVersion: 'batch/v1', kind: 'Job', namespace: 'shop', name: 'report-28919280', uid: uid(3) }],
        lastScheduleTime: ago(now, 3 * m),
      },
    ),
    cronJob(now, 'backup', 101, { schedule: '30 1 * * *', timeZone: 'Europe/Berlin', suspend: true }, {}),
  ];
}

/** The shared fixture cluster with the batch objects added. */
export function buildBatchFixture(): Fixture {
  const fixture = buildFixture();
  fixture.spec.objects.push(...batchObjects(fixture.now));
  return fixture;
}
