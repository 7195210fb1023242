import { afterEach, describe, expect, it } from 'vitest';
import type { TestDrill } from '../../../helpers/drill.js';
import { kubectlAvailable, warnIfKubectlMissing } from '../../../helpers/kubectl.js';
import { drillWith, kubectlOn, row } from './support.js';

warnIfKubectlMissing('scheduler-down fault');

describe.skipIf(!kubectlAvailable())('fault scheduler-down', () => {
  let d: TestDrill | undefined;
  afterEach(() => d?.close());

  it('crashloop: the scheduler cannot bind 10259, its lease is stale, a new pod stays Pending with no scheduling events', async () => {
    d = await drillWith([{ fault: 'scheduler-down', minutes: 30, pendingPod: 'shop/web-1' }]);
    const kubectl = kubectlOn(d);
    const pods = await kubectl('get', 'pods', '-n', 'kube-system');
    const sched = row(pods.stdout, 'NAME', 'kube-scheduler-cp-1');
    expect(sched).toMatchObject({ READY: '0/1', STATUS: 'CrashLoopBackOff' });
    expect(Number(sched?.RESTARTS?.split(' ')[0])).toBeGreaterThanOrEqual(8);

    const prev = await kubectl('logs', '-n', 'kube-system', 'kube-scheduler-cp-1', '--previous');
    expect(prev.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^E\d{4} [\d:.]+ {7}1 run\.go:72\] "command failed" err="failed to create listener: failed to listen on 127\.0\.0\.1:10259: listen tcp 127\.0\.0\.1:10259: bind: address already in use"$/,
    );

    const lease = await d.kube.readLease('kube-system', 'kube-scheduler');
    const renewed = new Date(lease.spec?.renewTime as unknown as string).getTime();
    expect(d.now.getTime() - renewed).toBeGreaterThan(30 * 60 * 1000);

    const web = await kubectl('get', 'pods', '-n', 'shop', '-o', 'wide');
    expect(row(web.stdout, 'NAME', 'web-1')).toMatchObject({ READY: '0/1', STATUS: 'Pending', NODE: '<none>' });
    const pod = await d.kube.readPod('shop', 'web-1');
    expect(pod.status?.conditions ?? []).toEqual([]);
    const events = await kubectl('get', 'events', '-n', 'shop');
    expect(events.stdout).not.toContain('FailedScheduling');
    expect(events.stderr).toContain('No resources found in shop namespace.');
    const backoff = await kubectl('get', 'events', '-n', 'kube-system', '--field-selector', 'reason=BackOff');
    expect(backoff.stdout).toContain(
      'Back-off restarting failed container kube-scheduler in pod kube-scheduler-cp-1_kube-system(',
    );
  });

  it('absent: there is no scheduler pod at all', async () => {
    d = await drillWith([{ fault: 'scheduler-down', mode: 'absent' }]);
    const kubectl = kubectlOn(d);
    const r = await kubectl('get', 'pods', '-n', 'kube-system', '-l', 'component=kube-scheduler');
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('No resources found in kube-system namespace.');
    const lease = await d.kube.readLease('kube-system', 'kube-scheduler');
    expect(d.now.getTime() - new Date(lease.spec?.renewTime as unknown as string).getTime()).toBeGreaterThan(15_000);
  });
});
