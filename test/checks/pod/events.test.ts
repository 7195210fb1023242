import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, pod, startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

describe('pod.events on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { nodes: [{ name: 'worker-1' }] as never },
      objects: [
        pod('probe', 'db', { nodeName: 'worker-1' }, { phase: 'Running' }),
        event('db', 'probe', 'Normal', 'Pulled', 'Container image "mysql:8.0" already present on machine', 6, 'now-5m'),
        event(
          'db',
          'probe',
          'Warning',
          'Unhealthy',
          'Liveness probe failed: dial tcp 10.244.1.7:3306: connect: connection refused',
          12,
          'now-2m',
        ),
        event(
          'db',
          'probe',
          'Warning',
          'Unhealthy',
          'Liveness probe failed: dial tcp 10.244.1.7:3306: connect: connection refused',
          3,
          'now-1m',
        ),
        event(
          'db',
          'probe',
          'Warning',
          'BackOff',
          'Back-off restarting failed container mysql in pod probe_db(1234)',
          20,
          'now-1m',
        ),
        pod('pull', 'db', { nodeName: 'worker-1' }, { phase: 'Pending' }),
        event(
          'db',
          'pull',
          'Warning',
          'Failed',
          'Failed to pull image "mysql:9.9": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/mysql:9.9": not found',
          4,
        ),
        // keycloak/keycloak#40752: the only probe evidence left is the kubelet's Normal kill.
        pod('killed', 'db', { nodeName: 'worker-1' }, { phase: 'Running' }),
        event(
          'db',
          'killed',
          'Normal',
          'Killing',
          'Container keycloak failed startup probe, will be restarted',
          3,
          'now-2m',
        ),
        event('db', 'killed', 'Normal', 'Started', 'Started container keycloak', 4, 'now-2m'),
        pod('quiet', 'db', { nodeName: 'worker-1' }, { phase: 'Running' }),
        event('db', 'quiet', 'Normal', 'Started', 'Started container main'),
        // Same name in another namespace: must not leak into db's answer.
        pod('probe', 'other', { nodeName: 'worker-1' }, { phase: 'Running' }),
        event('other', 'probe', 'Warning', 'FailedMount', 'MountVolume.SetUp failed for volume "data"'),
      ] as never,
    });
  });
  afterAll(() => t.close());

  it('groups repeated events, counts them, and picks the probe failure over the back-off', async () => {
    const r = await t.check('pod.events', { namespace: 'db', name: 'probe' });
    expect(r.outcome).toBe('probe-failed');
    expect(r.facts).toMatchObject({ eventReason: 'Unhealthy', eventCount: 15 });
    expect(r.evidence.filter((e) => e.label === 'Warning Unhealthy')).toHaveLength(1);
    expect(r.evidence.find((e) => e.label === 'Warning Unhealthy')?.value).toMatch(
      /^×15, last 60s ago: Liveness probe failed/,
    );
    expect(r.evidence.some((e) => e.value.includes('FailedMount'))).toBe(false);
  });

  it('reads a Normal Killing event that reports a failed probe as a probe failure', async () => {
    const r = await t.check('pod.events', { namespace: 'db', name: 'killed' });
    expect(r.outcome).toBe('probe-failed');
    expect(r.facts).toMatchObject({
      eventReason: 'Killing',
      eventCount: 3,
      eventMessage: 'Container keycloak failed startup probe, will be restarted',
    });
  });

  it('classifies an image pull failure', async () => {
    const r = await t.check('pod.events', { namespace: 'db', name: 'pull' });
    expect(r.outcome).toBe('image-pull-failed');
    expect(r.summary).toMatch(/^Failed ×4: Failed to pull image "mysql:9.9"/);
  });

  it('says when there are no warnings', async () => {
    const r = await t.check('pod.events', { namespace: 'db', name: 'quiet' });
    expect(r.outcome).toBe('no-warnings');
    expect(r.evidence).toHaveLength(1);
    expect(r.evidence[0]?.label).toBe('Normal Started');
    expect(r.evidence[0]?.value).toMatch(/Started container main$/);
  });
});
