import { describe, expect, it } from 'vitest';
import { faultDrill, hasKubectl, podName, rows } from './faultDrill.js';

describe('fault liveness-too-strict', () => {
  const d = faultDrill('liveness-too-strict', [
    { fault: 'liveness-too-strict', node: 'worker-2', pod: 'default-host-7xk2p' },
  ]);

  it('pod.probes finds the kills before start-up ends, with the numbers', async () => {
    const r = await d.t.check('pod.probes', { namespace: 'onecloud', name: 'default-host-7xk2p' });
    expect(r.outcome).toBe('probe-kills-before-start');
    expect(r.facts).toMatchObject({
      container: 'host',
      probeKind: 'liveness',
      toleranceSeconds: 45,
      initialDelaySeconds: 30,
      periodSeconds: 5,
      failureThreshold: 3,
      ranSeconds: 75,
      killCount: 24,
      probeFailures: 72,
      restartCount: 23,
    });
    expect(String(r.facts.eventMessage)).toBe(
      'Liveness probe failed: Get "http://10.0.0.13:8885/ping": dial tcp 10.0.0.13:8885: connect: connection refused',
    );
    // The killed instance was still binding GPUs: no error, just cut off.
    expect(String(r.facts.lastLogLine)).toMatch(
      /isolated_device\.\(\*sGPUBaseDevice\)\.BindDriver\(gpu\.go:\d+\)\] (Unbind device|Device) 0000:/,
    );
    const last = await d.t.check('pod.last-termination', {
      namespace: 'onecloud',
      name: 'default-host-7xk2p',
      container: 'host',
    });
    expect(last.outcome).toBe('killed');
    expect(last.facts).toMatchObject({ exitCode: 137, signal: 'SIGKILL' });
    expect((await d.t.check('pod.owner', { namespace: 'onecloud', name: 'default-host-7xk2p' })).facts).toMatchObject({
      controller: 'DaemonSet/default-host',
    });
  });

  it('the log shows start-up still running when the kill came, without an error', async () => {
    const logs = await d.t.check('pod.logs', { namespace: 'onecloud', name: 'default-host-7xk2p', container: 'host' });
    expect(logs.outcome).toBe('no-failure-pattern');
  });

  it.runIf(hasKubectl)('kubectl shows 2/3 CrashLoopBackOff, the probe and the liveness events', async () => {
    const row = rows((await d.kubectl('get', 'pods', '-n', 'onecloud', '-o', 'wide')).stdout)[0];
    expect(row).toMatchObject({
      NAME: 'default-host-7xk2p',
      READY: '2/3',
      STATUS: 'CrashLoopBackOff',
      IP: '10.0.0.13',
      NODE: 'worker-2',
    });
    expect(row?.RESTARTS).toMatch(/^23 \(\d+m?\d*s? ago\)$/);
    const out = (await d.kubectl('describe', 'pod', 'default-host-7xk2p', '-n', 'onecloud')).stdout;
    expect(out).toMatch(
      /^ {4}Liveness:\s+http-get http:\/\/:8885\/ping delay=30s timeout=3s period=5s #success=1 #failure=3$/m,
    );
    expect(out).toMatch(/^ {4}Last State:\s+Terminated\n {6}Reason:\s+Error\n {6}Exit Code:\s+137$/m);
    expect(out).toMatch(
      /Warning\s+Unhealthy\s+\S+ \(x72 over \S+\)\s+kubelet\s+Liveness probe failed: Get "http:\/\/10\.0\.0\.13:8885\/ping": dial tcp 10\.0\.0\.13:8885: connect: connection refused/,
    );
    expect(out).toMatch(
      /Normal\s+Killing\s+\S+ \(x24 over \S+\)\s+kubelet\s+Container host failed liveness probe, will be restarted/,
    );
    const log = await d.kubectl('logs', 'default-host-7xk2p', '-n', 'onecloud', '-c', 'host', '--timestamps');
    const lines = log.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \[info \d{6} \d\d:\d\d:\d\d procutils\.WaitZombieLoop\(zombie_others\.go:36\)\] My pid is not 1 and no need to wait zombies$/,
    );
    // From the first line to the last the container ran about 75 s, and the log never says it finished starting.
    const span = (Date.parse(lines.at(-1)?.split(' ')[0] ?? '') - Date.parse(lines[0]?.split(' ')[0] ?? '')) / 1000;
    expect(span).toBeGreaterThan(60);
    expect(span).toBeLessThanOrEqual(75);
    expect(log.stdout).not.toMatch(/Start listen|isolated devices probed|\[error|\[fatal/);
    expect(await podName(d, 'onecloud', 'app=default-host')).toBe('default-host-7xk2p');
  });
});
