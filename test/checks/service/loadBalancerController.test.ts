import { describe, expect, it } from 'vitest';
import { isCloudControllerManager, lbErrorLine } from '../../../src/checks/service/loadBalancerController.js';
import { startTestDrill } from '../../helpers/drill.js';
import { runWithin } from '../cluster/helpers.js';

// Lines verbatim from the threads beside them.
describe("the cloud-controller-manager's line about one Service", () => {
  it('openstack-cloud-controller-manager: the retry line and the event it records (kubernetes/cloud-provider-openstack#2036)', () => {
    const retry =
      'E1117 10:43:08.849306       1 controller.go:320] error processing service e2e-test-openstack-4j8s8/udp-lb-etplocal-svc (will retry): failed to delete load balancer: load balancer 9476c89a-a894-41b4-a46d-02d4e777e0fa is not ACTIVE, current provisioning status: ERROR';
    expect(lbErrorLine(retry, 'e2e-test-openstack-4j8s8', 'udp-lb-etplocal-svc')).toBe(
      'failed to delete load balancer: load balancer 9476c89a-a894-41b4-a46d-02d4e777e0fa is not ACTIVE, current provisioning status: ERROR',
    );
    const recorded =
      'I1117 10:43:08.849791       1 event.go:294] "Event occurred" object="e2e-test-openstack-4j8s8/udp-lb-etplocal-svc" fieldPath="" kind="Service" apiVersion="v1" type="Warning" reason="SyncLoadBalancerFailed" message="Error syncing load balancer: failed to delete load balancer: load balancer 9476c89a-a894-41b4-a46d-02d4e777e0fa is not ACTIVE, current provisioning status: ERROR"';
    expect(lbErrorLine(recorded, 'e2e-test-openstack-4j8s8', 'udp-lb-etplocal-svc')).toBe(
      'failed to delete load balancer: load balancer 9476c89a-a894-41b4-a46d-02d4e777e0fa is not ACTIVE, current provisioning status: ERROR',
    );
    // Another Service's line is not this one's.
    expect(lbErrorLine(retry, 'default', 'web')).toBeUndefined();
  });

  it("the in-tree AWS provider's older wording (kubernetes-sigs/cluster-api-provider-aws#1008)", () => {
    expect(
      lbErrorLine(
        'Error creating load balancer (will retry): failed to ensure load balancer for service default/test1: could not find any suitable subnets for creating the ELB',
        'default',
        'test1',
      ),
    ).toBe(
      'failed to ensure load balancer for service default/test1: could not find any suitable subnets for creating the ELB',
    );
  });

  it('a normal sync line is no error (cloud-provider-aws#249)', () => {
    expect(
      lbErrorLine(
        'I0817 19:02:03.432810       1 event.go:291] "Event occurred" object="istio-system/istio-ingressgateway" kind="Service" apiVersion="v1" type="Normal" reason="EnsuringLoadBalancer" message="Ensuring load balancer"',
        'istio-system',
        'istio-ingressgateway',
      ),
    ).toBeUndefined();
  });

  it.each([
    ['aws-cloud-controller-manager-7c9f8', 'registry.k8s.io/provider-aws/cloud-controller-manager:v1.31.1', true],
    [
      'openstack-cloud-controller-manager-x2kqz',
      'registry.k8s.io/provider-os/openstack-cloud-controller-manager:v1.31.0',
      true,
    ],
    ['hcloud-cloud-controller-manager-5d8f', 'docker.io/hetznercloud/hcloud-cloud-controller-manager:v1.20.0', true],
    ['kube-controller-manager-cp-1', 'registry.k8s.io/kube-controller-manager:v1.31.4', false],
    ['coredns-7db6d8ff4d-2xk9p', 'registry.k8s.io/coredns/coredns:v1.11.1', false],
  ])('%s is a cloud-controller-manager: %s', (name, image, yes) => {
    expect(isCloudControllerManager({ metadata: { name }, spec: { containers: [{ name: 'c', image }] } })).toBe(yes);
  });
});

const pending = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', creationTimestamp: 'now-20m' },
  spec: {
    type: 'LoadBalancer',
    clusterIP: '10.96.3.3',
    selector: { app: 'web' },
    ports: [{ port: 80, targetPort: 8080, nodePort: 31000, protocol: 'TCP' }],
  },
  status: { loadBalancer: {} },
};

describe('service.lb-controller on the drill cluster', () => {
  it('no load-balancer Event and no cloud-controller-manager: nothing seen working on it, and it says what that does not prove', async () => {
    const t = await startTestDrill({
      cluster: { nodes: [{ name: 'worker-1' }] as never },
      objects: [pending] as never,
    });
    try {
      const r = await runWithin(t, 'service.lb-controller', { namespace: 'default', service: 'web' });
      expect(r.outcome).toBe('no-controller-seen');
      expect(r.summary).toContain('Events expire after an hour');
    } finally {
      await t.close();
    }
  });
});
