import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readControllerLog } from '../../../src/checks/ingress/controllerLogLines.js';
import type { LogTarget } from '../../../src/checks/ingress/controllerLogLines.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/ingress-controller-logs/${name}`, import.meta.url), 'utf8').replace(
    /^# source:.*\n/,
    '',
  );
const target = (t: Partial<LogTarget>): LogTarget => ({
  namespace: 'default',
  service: 'web',
  host: '',
  tlsSecret: '',
  endpointIPs: [],
  ...t,
});

// Real controller lines (each file cites its thread): what the check reads about one Service, host or Secret, and what it leaves alone.
describe('ingress controller log lines, as the controllers print them', () => {
  it.each([
    [
      'ingress-nginx-no-endpoints-8882.txt',
      { namespace: 'scalability', service: 'scalability-node' },
      'no-endpoints',
      1,
      'Service "scalability/scalability-node" does not have any active Endpoint',
    ],
    [
      'ingress-nginx-no-endpoints-8882.txt',
      { namespace: 'scalability', service: 'serve-ca-cert' },
      'backend-missing',
      2,
      'no object matching key "scalability/serve-ca-cert" in local store',
    ],
    [
      'ingress-nginx-cert-not-found-7886.txt',
      { namespace: 'prod', service: 'grafana', tlsSecret: 'grafana-tls' },
      'certificate-rejected',
      1,
      'local SSL certificate prod/grafana-tls was not found. Using default certificate',
    ],
    [
      'ingress-nginx-cert-wrong-host-6905.txt',
      { host: 'rancher.example.com', tlsSecret: 'test-cert' },
      'certificate-rejected',
      1,
      'x509: certificate is valid for *.rancher.example.com, *.rancher.local, not rancher.example.com',
    ],
    [
      'ingress-nginx-cert-wrong-host-1573.txt',
      { namespace: 'kube-system', service: 'monitoring-grafana', tlsSecret: 'nginx-tls-secret' },
      'certificate-rejected',
      3,
      'no name for <domain goes here> in kube-system/nginx-tls-secret',
    ],
    [
      'ingress-nginx-cert-common-name-195.txt',
      { namespace: 'example', service: 'example-frontend-service', host: 'example.bronze.mydomain.com' },
      'certificate-rejected',
      1,
      'no name for example.bronze.mydomain.com in example/example-tls-secret',
    ],
    [
      'nginx-connect-refused-5734.txt',
      { host: 'https://aqua.yasreeb.online/' },
      'upstream-failing',
      1,
      'connect() failed (111: Connection refused) to http://127.0.0.1:8181/',
    ],
    [
      'nginx-upstream-timeout-869.txt',
      { endpointIPs: ['10.1.46.2', '10.1.72.4'] },
      'upstream-failing',
      2,
      'upstream timed out (110: Connection timed out) to 10.1.46.2:8000',
    ],
    [
      'ingress-nginx-access-502-6135.txt',
      { service: 'my-service' },
      'upstream-failing',
      1,
      'GET some/end/point answered 502 from upstream 10.244.2.36:80',
    ],
    [
      'ingress-nginx-access-12196.txt',
      { service: 'esgf-thredds' },
      'served',
      1,
      'GET /thredds/catalog/catalog.html 200',
    ],
    ['traefik-no-endpoints-8818.txt', { service: 'vscode' }, 'no-endpoints', 1, 'Skipping service: no endpoints found'],
    [
      'traefik-v3-service-not-found-9929.txt',
      {
        namespace: 'org-coredb-inst-check-messaging-q-delete-me-asap',
        service: 'org-coredb-inst-check-messaging-q-delete-me-asap',
      },
      'backend-missing',
      1,
      'Cannot create service: service not found',
    ],
    [
      'traefik-tls-secret-missing-319.txt',
      { service: 'whoamitcp', tlsSecret: 'foosecret' },
      'backend-missing',
      2,
      'Cannot create service: service not found',
    ],
    [
      'haproxy-no-server-699.txt',
      { namespace: 'dev', service: 'task-pod-4bb217e3-testing' },
      'no-endpoints',
      2,
      'server dev_task-pod-4bb217e3-testing_out-port/SRV_1 went to maintenance',
    ],
    [
      'haproxy-no-endpoints-396.txt',
      { service: 'my-release-kubernetes-ingress-default-backend' },
      'no-endpoints',
      1,
      'default/my-release-kubernetes-ingress-default-backend: no available endpoints',
    ],
    [
      'envoy-contour-503-nr-202.txt',
      { host: 'service-dbokeomw.serving-tests.example.com' },
      'no-route',
      1,
      'GET / answered 503 NR',
    ],
    [
      'envoy-contour-503-uc-6462.txt',
      { host: 'example.com' },
      'upstream-failing',
      1,
      'POST /login answered 503 UC from 11.11.4.94:3000',
    ],
  ] as const)('%s about %j: %s', (file, t, worst, count, detail) => {
    const r = readControllerLog(fixture(file), target(t));
    expect(r.worst).toBe(worst);
    expect(r.lines).toHaveLength(count);
    expect(r.lines.find((l) => l.kind === worst)?.detail).toContain(detail);
  });

  it('the Traefik TLS line names the missing Secret', () => {
    const r = readControllerLog(
      fixture('traefik-tls-secret-missing-319.txt'),
      target({ service: 'other', tlsSecret: 'foosecret' }),
    );
    expect(r.lines.map((l) => l.kind)).toEqual(['certificate-rejected']);
  });

  it.each([
    ['ingress-nginx-no-endpoints-8882.txt', { namespace: 'scalability', service: 'web' }],
    ['ingress-nginx-cert-not-found-7886.txt', { namespace: 'prod', service: 'grafana', tlsSecret: 'other-tls' }],
    ['nginx-connect-refused-5734.txt', { host: 'shop.example.com' }],
    ['nginx-upstream-timeout-869.txt', { endpointIPs: ['10.1.46.3'] }],
    ['ingress-nginx-access-502-6135.txt', { service: 'my' }],
    ['traefik-no-endpoints-8818.txt', { service: 'vscode', namespace: 'other' }],
    ['haproxy-no-server-699.txt', { namespace: 'dev', service: 'task-pod' }],
    ['envoy-contour-503-uc-6462.txt', { host: 'www.example.com' }],
  ] as const)('%s says nothing about %j', (file, t) => {
    expect(readControllerLog(fixture(file), target(t))).toEqual({ lines: [] });
  });
});
