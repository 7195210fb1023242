import { describe, expect, it } from 'vitest';
import { controlPlaneServices, parseControlPlaneServices } from '../../../src/checks/host/controlPlaneServices.js';
import { fixture } from './fixtures.js';

const p = { node: 'worker-3', units: 'kube-apiserver,kube-controller-manager,kube-scheduler,etcd' };

describe('host.control-plane-services', () => {
  it('asks systemd about exactly the control-plane units, with their enablement', () => {
    expect(controlPlaneServices.command(p)).toBe(
      'systemctl show kube-apiserver.service kube-controller-manager.service kube-scheduler.service etcd.service -p Id,LoadState,ActiveState,SubState,UnitFileState',
    );
    expect(controlPlaneServices.params.safeParse({ node: 'n', units: 'etcd,$(reboot)' }).success).toBe(false);
  });

  it('the stale-control-plane worker: running and enabled-at-boot leftovers', () => {
    const r = parseControlPlaneServices(fixture('systemctl-show-control-plane-stray'), p);
    expect(r.outcome).toBe('stray-services');
    expect(r.facts).toEqual({
      strayServices: 'kube-apiserver,kube-controller-manager,kube-scheduler',
      strayUnits: 'kube-apiserver kube-controller-manager kube-scheduler',
      strayActiveServices: 'kube-apiserver,kube-controller-manager',
      strayEnabledServices: 'kube-apiserver,kube-controller-manager,kube-scheduler',
    });
    expect(r.summary).toContain('kube-scheduler (enabled at boot)');
    expect(r.evidence).toContainEqual({ label: 'kube-apiserver.service', value: 'active (running), enabled' });
  });

  it('a clean worker', () => {
    const r = parseControlPlaneServices(fixture('systemctl-show-control-plane-clean'), p);
    expect(r.outcome).toBe('none');
    expect(r.facts.strayServices).toBe('');
  });

  it('no systemd here: says so', () => {
    expect(parseControlPlaneServices(fixture('systemctl-show-no-systemd'), p)).toMatchObject({
      outcome: 'error',
      facts: { errorKind: 'no-systemd' },
    });
  });
});
