import { describe, expect, it } from 'vitest';
import { faultDrill, hasKubectl, podName, rows } from './faultDrill.js';

describe('faults oom-killed and crashloop-app-error', () => {
  const d = faultDrill('crash faults', [
    { fault: 'oom-killed' },
    { fault: 'crashloop-app-error' },
    { fault: 'crashloop-app-error', name: 'invoices', cause: 'missing-config', node: 'worker-2' },
  ]);

  it('pod.last-termination names the OOM kill and the memory limit', async () => {
    const name = await podName(d, 'shop', 'app=catalog');
    expect((await d.t.check('pod.status', { namespace: 'shop', name })).outcome).toBe('crash-loop');
    const r = await d.t.check('pod.last-termination', { namespace: 'shop', name });
    expect(r.outcome).toBe('oom-killed');
    expect(r.facts).toMatchObject({
      container: 'catalog',
      terminationReason: 'OOMKilled',
      exitCode: 137,
      memoryLimit: '256Mi',
      restartCount: 7,
      ranSeconds: 48,
    });
  });

  it('pod.last-termination sees exit 1 and pod.logs the fatal start-up line', async () => {
    const name = await podName(d, 'shop', 'app=orders');
    const r = await d.t.check('pod.last-termination', { namespace: 'shop', name });
    expect(r.outcome).toBe('exited-error');
    expect(r.facts).toMatchObject({ exitCode: 1, terminationReason: 'Error', restartCount: 9 });
    const logs = await d.t.check('pod.logs', { namespace: 'shop', name });
    expect(logs.outcome).toBe('startup-step-failed');
    expect(logs.facts.logLine).toContain('"error":"required key DATABASE_URL missing value"');
    const other = await d.t.check('pod.logs', { namespace: 'shop', name: await podName(d, 'shop', 'app=invoices') });
    expect(other.facts.logLine).toContain('open /etc/invoices/config.yaml: no such file or directory');
  });

  it.runIf(hasKubectl)('kubectl shows CrashLoopBackOff, the last state and the back-off events', async () => {
    const get = rows((await d.kubectl('get', 'pods', '-n', 'shop', '-l', 'app in (catalog,orders)')).stdout);
    expect(get.map((r) => [r.NAME?.split('-')[0], r.READY, r.STATUS, r.RESTARTS?.replace(/ \(.*\)$/, '')])).toEqual([
      ['catalog', '0/1', 'CrashLoopBackOff', '7'],
      ['orders', '0/1', 'CrashLoopBackOff', '9'],
    ]);
    const oom = (await d.kubectl('describe', 'pod', '-n', 'shop', '-l', 'app=catalog')).stdout;
    expect(oom).toMatch(
      /^ {4}State:\s+Waiting\n {6}Reason:\s+CrashLoopBackOff\n {4}Last State:\s+Terminated\n {6}Reason:\s+OOMKilled\n {6}Exit Code:\s+137$/m,
    );
    expect(oom).toMatch(/^ {4}Limits:\n {6}memory:\s+256Mi$/m);
    expect(oom).toMatch(
      /Warning\s+BackOff\s+\S+ \(x\d+ over \S+\)\s+kubelet\s+Back-off restarting failed container catalog in pod catalog-\S+_shop\([0-9a-f-]{36}\)/,
    );
    expect(oom).toMatch(
      /Normal\s+Pulled\s+\S+ \(x7 over \S+\)\s+kubelet\s+Container image "registry\.example\.com\/shop\/catalog:2\.7\.0" already present on machine/,
    );
    const orders = await podName(d, 'shop', 'app=orders');
    const current = await d.kubectl('logs', orders, '-n', 'shop');
    expect(current.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^\{"level":"fatal","ts":\d+\.\d+,"caller":"orders\/main\.go:38","msg":"failed to load config","error":"required key DATABASE_URL missing value"\}$/,
    );
    expect((await d.kubectl('logs', orders, '-n', 'shop', '--previous')).stdout).toContain(
      '"msg":"failed to load config"',
    );
  });
});
