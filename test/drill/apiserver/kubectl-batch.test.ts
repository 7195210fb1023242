import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../../helpers/kubectl.js';
import type { KubectlResult } from '../../helpers/kubectl.js';
import { buildBatchFixture } from './fixtureBatch.js';
import { raw, startHarness } from './harness.js';
import type { Harness } from './harness.js';

warnIfKubectlMissing('drill API server serving batch/v1 to the real kubectl');

let h: Harness;
beforeAll(async () => {
  h = await startHarness(buildBatchFixture());
});
afterAll(() => h.close());

describe('batch/v1 discovery', () => {
  it('/apis lists the batch group and /apis/batch/v1 its jobs and cronjobs', async () => {
    const groups = (await raw(h.server, '/apis')).json() as {
      groups: { name: string; preferredVersion: { groupVersion: string } }[];
    };
    expect(groups.groups.find((g) => g.name === 'batch')?.preferredVersion.groupVersion).toBe('batch/v1');
    const list = (await raw(h.server, '/apis/batch/v1')).json() as {
      groupVersion: string;
      resources: Record<string, unknown>[];
    };
    expect(list.groupVersion).toBe('batch/v1');
    expect(list.resources).toEqual([
      {
        name: 'cronjobs',
        singularName: 'cronjob',
        namespaced: true,
        kind: 'CronJob',
        verbs: ['get', 'list', 'patch', 'update', 'watch'],
        shortNames: ['cj'],
        categories: ['all'],
      },
      {
        name: 'jobs',
        singularName: 'job',
        namespaced: true,
        kind: 'Job',
        verbs: ['get', 'list', 'patch', 'update', 'watch'],
        categories: ['all'],
      },
    ]);
  });

  it('aggregated discovery puts batch after apps, as kube-apiserver orders its groups', async () => {
    const r = await raw(h.server, '/apis', {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    });
    const doc = r.json() as {
      items: {
        metadata: { name: string };
        versions: { version: string; resources: { resource: string; scope: string }[] }[];
      }[];
    };
    const names = doc.items.map((i) => i.metadata.name);
    expect(names.indexOf('batch')).toBeGreaterThan(names.indexOf('apps'));
    const batch = doc.items.find((i) => i.metadata.name === 'batch');
    expect(batch?.versions.map((v) => [v.version, v.resources.map((x) => `${x.resource}:${x.scope}`)])).toEqual([
      ['v1', ['cronjobs:Namespaced', 'jobs:Namespaced']],
    ]);
  });
});

describe.skipIf(!kubectlAvailable())('kubectl get jobs and cronjobs on the drill', () => {
  const kubectl = (...args: string[]): Promise<KubectlResult> => runKubectl(h.kubeconfigPath, args);

  it('get jobs,cronjobs prints each kind with the status, completions and schedule 1.31 computes', async () => {
    const r = await kubectl('get', 'jobs,cronjobs', '-n', 'shop');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'NAME                        STATUS      COMPLETIONS   DURATION   AGE',
        'job.batch/migrate           Complete    1/1           30s        5h',
        'job.batch/reindex           Suspended   2/5                      40m',
        'job.batch/report-28919160   Failed      0/1           120m       120m',
        'job.batch/report-28919280   Running     0/1 of 2      3m         3m',
        '',
        'NAME                   SCHEDULE      TIMEZONE        SUSPEND   ACTIVE   LAST SCHEDULE   AGE',
        'cronjob.batch/backup   30 1 * * *    Europe/Berlin   True      0        <none>          9d',
        'cronjob.batch/report   0 */2 * * *   <none>          False     1        3m              9d',
        '',
      ].join('\n'),
    );
  });

  it('-o wide adds containers, images and the selector', async () => {
    const jobs = await kubectl('get', 'jobs', '-n', 'shop', '-o', 'wide', '--field-selector', 'metadata.name=migrate');
    expect(jobs.stderr).toBe('');
    expect(jobs.stdout).toBe(
      [
        'NAME      STATUS     COMPLETIONS   DURATION   AGE   CONTAINERS   IMAGES                         SELECTOR',
        'migrate   Complete   1/1           30s        5h    app          registry.example.com/app:1.0   batch.kubernetes.io/controller-uid=7c1e4b2a-3d5f-4a6b-8c9d-000000000001',
        '',
      ].join('\n'),
    );
    const cronJobs = await kubectl('get', 'cj', 'report', '-n', 'shop', '-o', 'wide');
    expect(cronJobs.stderr).toBe('');
    expect(cronJobs.stdout).toBe(
      [
        'NAME     SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE   CONTAINERS        IMAGES                                                              SELECTOR',
        'report   0 */2 * * *   <none>     False     1        3m              9d    report,uploader   registry.example.com/report:2.1,registry.example.com/uploader:1.4   <none>',
        '',
      ].join('\n'),
    );
  });

  it('get all includes cronjobs and jobs after the apps kinds', async () => {
    const r = await kubectl('get', 'all', '-n', 'shop', '-o', 'name');
    expect(r.stderr).toBe('');
    const names = r.stdout.trimEnd().split('\n');
    expect(names.slice(-6)).toEqual([
      'cronjob.batch/backup',
      'cronjob.batch/report',
      'job.batch/migrate',
      'job.batch/reindex',
      'job.batch/report-28919160',
      'job.batch/report-28919280',
    ]);
    expect(names).toContain('statefulset.apps/cart');
  });

  it('selects jobs by status.successful and refuses other fields in batch/v1 wording', async () => {
    const done = await kubectl('get', 'jobs', '-n', 'shop', '--field-selector', 'status.successful=1', '-o', 'name');
    expect(done.stdout).toBe('job.batch/migrate\n');
    const bad = await kubectl('get', 'jobs', '-n', 'shop', '--field-selector', 'status.failed=7');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr.trim()).toBe(
      'Error from server (BadRequest): Unable to find "batch/v1, Resource=jobs" that match label selector "", field selector "status.failed=7": field label "status.failed" not supported for batchv1.Job',
    );
  });

  it("keeps a Job's status the server's and its pod template fixed, as kube-apiserver does", async () => {
    const status = await kubectl(
      'patch',
      'job',
      'migrate',
      '-n',
      'shop',
      '--type=merge',
      '-p',
      '{"status":{"succeeded":9}}',
    );
    expect(status.stdout).toBe('job.batch/migrate patched (no change)\n');
    const image = await kubectl(
      'set',
      'image',
      'job/report-28919160',
      '-n',
      'shop',
      'app=registry.example.com/app:1.1',
    );
    expect(image.exitCode).toBe(1);
    // kubectl set image wraps the server's 422 in its own words.
    expect(image.stderr).toMatch(
      /^error: failed to patch image update to pod template: Job\.batch "report-28919160" is invalid: spec\.template: Invalid value: \{.*"image":"registry\.example\.com\/app:1\.1".*\}: field is immutable$/m,
    );
    const labels = await kubectl('label', 'job', 'report-28919160', '-n', 'shop', 'team=data');
    expect(labels.stdout).toBe('job.batch/report-28919160 labeled\n');
  });

  it('describe job reads the stored job', async () => {
    const r = await kubectl('describe', 'job', 'report-28919160', '-n', 'shop');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Controlled By:\s+CronJob\/report$/m);
    expect(r.stdout).toMatch(/^Pods Statuses:\s+0 Active \(0 Ready\) \/ 0 Succeeded \/ 7 Failed$/m);
  });
});
