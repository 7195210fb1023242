import { describe, expect, it } from 'vitest';
import {
  classifyProbeFailure,
  loopbackAddress,
  probeFailureKind,
  probeKill,
  probedPort,
  servingLine,
  servingPorts,
} from '../../src/checks/probeEvents.js';

// Every message below was pasted into a public issue; the source is named beside it.
describe('probeKill reads the kubelet kill message of every version', () => {
  it.each([
    // helm/helm#1833 (Kubernetes 1.5, docker): the kill before the probe was named.
    [
      'Killing container with docker id 0f2583248a73: pod "tiller-deploy-3299276078-5kx5w_kube-system(8a2bb598-dd8b-11e6-8b84-0050568da433)" container "tiller" is unhealthy, it will be killed and re-created.',
      { kind: 'liveness', container: 'tiller' },
    ],
    // helm/helm#2422 (1.6, docker): "with id docker://…:pod", no space.
    [
      'Killing container with id docker://1facd6660d1f3511017b43756c90e266af22fa2e596c8246099a8768c62db339:pod "tiller-deploy-1172528075-j2kxf_kube-system(be5e55de-354c-11e7-b9f2-000c29722a26)" container "tiller" is unhealthy, it will be killed and re-created.',
      { kind: 'liveness', container: 'tiller' },
    ],
    // helm/helm#5689 (1.14, "kubelet, k8s-node1").
    ['Container tiller failed liveness probe, will be restarted', { kind: 'liveness', container: 'tiller' }],
    // Azure/azure-service-operator#1178 (OpenShift 4 / ARO).
    ['Container manager failed liveness probe, will be restarted', { kind: 'liveness', container: 'manager' }],
    // keycloak/keycloak#40752 (1.30) and emberstack/kubernetes-reflector#426 (AKS).
    ['Container keycloak failed startup probe, will be restarted', { kind: 'startup', container: 'keycloak' }],
    ['Container reflector failed startup probe, will be restarted', { kind: 'startup', container: 'reflector' }],
  ])('%s', (message, kill) => {
    expect(probeKill(message)).toEqual(kill);
  });

  it.each([
    // kodekloudhub/certified-kubernetes-administrator-course#150: a static pod stopped, not a probe verdict.
    'Stopping container kube-apiserver',
    // kubernetes/kubernetes#81723: the old kill without a reason.
    'Killing container with id docker://your-example-application:Need to kill Pod',
    // kubernetes/kubernetes#6532 (2015): a bare container id.
    'Killing 39e349fd00c1cbcbb25e588e29e70e2c12b2e7b9a8020e02fbe462ae9fa61ea1',
  ])('is not a probe kill: %s', (message) => {
    expect(probeKill(message)).toBeUndefined();
  });
});

describe('probe failure messages', () => {
  it.each([
    // kubernetes/kubernetes#62594 (1.9, AWS): Go before 1.11 said getsockopt.
    [
      'Liveness probe failed: Get http://100.96.11.194:5000/: dial tcp 100.96.11.194:5000: getsockopt: connection refused',
      'liveness',
      'refused',
    ],
    // kubernetes-retired/dashboard#3254.
    [
      'Liveness probe failed: Get https://192.168.3.82:8443/: dial tcp 192.168.3.82:8443: connect: connection refused',
      'liveness',
      'refused',
    ],
    // emberstack/kubernetes-reflector#426: the quoted URL of Go 1.14+.
    [
      'Startup probe failed: Get "http://10.7.5.70:25080/healthz": dial tcp 10.7.5.70:25080: connect: connection refused',
      'startup',
      'refused',
    ],
    // helm/helm#5689.
    [
      'Liveness probe failed: Get http://10.244.1.32:44135/liveness: net/http: request canceled (Client.Timeout exceeded while awaiting headers)',
      'liveness',
      'timeout',
    ],
    // Dynatrace/dynatrace-operator#2053.
    [
      'Liveness probe failed: Get "http://192.168.32.119:10090/livez": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
      'liveness',
      'timeout',
    ],
    // sockudo/sockudo#273: the server answered, the path does not exist.
    ['Startup probe failed: HTTP probe failed with statuscode: 404', 'startup', 'wrong-answer'],
    // trueforge-org/truecharts#8076.
    ['Startup probe failed: HTTP probe failed with statuscode: 401', 'startup', 'wrong-answer'],
    // kodekloudhub/certified-kubernetes-administrator-course#150.
    ['Readiness probe failed: HTTP probe failed with statuscode: 500', 'readiness', 'unhealthy'],
    // rosskukulinski/kubernetes-rethinkdb-cluster#27: an exec probe running curl.
    [
      'Liveness probe failed:   % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0curl: (7) Failed to connect to localhost port 8080: Connection refused',
      'liveness',
      'refused',
    ],
    // inspektor-gadget/inspektor-gadget#187: an exec probe that timed out says nothing at all.
    ['Liveness probe failed: ', 'liveness', 'other'],
  ])('%s', (message, kind, cls) => {
    expect(probeFailureKind(message)).toBe(kind);
    expect(classifyProbeFailure(message)).toBe(cls);
  });
});

describe('a log line that says the program serves', () => {
  it.each([
    // sockudo/sockudo#273.
    ['INFO HTTP server listening on http://0.0.0.0:6001', undefined],
    ['INFO Metrics server listening on http://0.0.0.0:9601', undefined],
  ])('%s', (line, loopback) => {
    expect(servingLine(line)).toBe(true);
    expect(loopbackAddress(line)).toBe(loopback);
  });

  it.each([
    // codecentric/helm-charts#781: start-up progress, not serving yet.
    '2024-07-11 12:39:48,265 INFO  [org.jgroups.protocols.FD_SOCK2] (Thread-5) server listening on *.57800',
  ])('counts a cluster socket too, which is why a serving line alone never decides: %s', (line) => {
    expect(servingLine(line)).toBe(true);
  });

  it.each([
    // codecentric/helm-charts#781.
    'Updating the configuration and installing your custom providers, if any. Please wait.',
    '2024-07-11 12:38:47,833 INFO  [io.qua.dep.QuarkusAugmentor] (main) Quarkus augmentation completed in 110325ms',
  ])('not serving: %s', (line) => {
    expect(servingLine(line)).toBe(false);
  });
});

describe('which port a probe knocked on, and which a program serves', () => {
  it.each([
    [
      'Liveness probe failed: Get http://100.96.11.194:5000/: dial tcp 100.96.11.194:5000: getsockopt: connection refused',
      5000,
    ],
    [
      'Startup probe failed: Get "http://10.0.0.229:9000/health/started": dial tcp 10.0.0.229:9000: connect: connection refused',
      9000,
    ],
    // zekker6/helm-charts#1296: a tcpSocket probe has no URL.
    ['Startup probe failed: dial tcp 10.42.3.184:3000: connect: connection refused', 3000],
    ['Startup probe failed: HTTP probe failed with statuscode: 404', undefined],
  ])('%s', (message, port) => {
    expect(probedPort(message)).toBe(port);
  });

  it('reads the ports of a serving line (sockudo/sockudo#273)', () => {
    expect(servingPorts('INFO HTTP server listening on http://0.0.0.0:6001')).toEqual([6001]);
    expect(
      servingPorts(
        '2024-07-11 12:39:48,265 INFO  [org.jgroups.protocols.FD_SOCK2] (Thread-5) server listening on *.57800',
      ),
    ).toEqual([]);
  });
});
