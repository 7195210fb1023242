import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { classifyPageError, clusterPageError } from '../../../src/checks/cluster/pageError.js';
import { signalsOf } from '../../../src/signatures/signals.js';

/**
 * The error a page showed, read for the layer it names before anything is measured (issue 22: an API error page is
 * not a slowness page). Each line as kubectl or a client prints it; where a thread is cited, from that thread.
 */
describe('cluster.page-error', () => {
  it.each([
    // https://github.com/beclab/Olares/issues/3142
    ['Error: etcdserver: mvcc: database space exceeded when modifying app entrance in Olares', 'etcd-no-space'],
    // https://github.com/kubernetes/kubernetes/issues/94029 (the API server's reply relayed by a client)
    ['compact failed: etcdserver: mvcc: database space exceeded', 'etcd-no-space'],
    // kubectl's wording of an etcd read or write that timed out, and the others below: as kubectl prints them.
    ['Error from server: etcdserver: request timed out', 'etcd-timeout'],
    // https://github.com/opsnull/follow-me-install-kubernetes-cluster/issues/290 (etcdctl cluster-health; the cause
    // was the members' clocks, so TLS to etcd's port is read in etcd's own log first)
    [
      'failed to check the health of member 3def585d2a259899 on https://192.168.31.102:2379: Get https://192.168.31.102:2379/health: x509: certificate signed by unknown authority',
      'etcd-certificate',
    ],
    // A webhook that fails on x509 is the webhook's, not a certificate between client and API server.
    [
      'Error from server (InternalError): error when creating "ingress.yaml": Internal error occurred: failed calling webhook "validate.nginx.ingress.kubernetes.io": Post https://ingress-nginx-controller-admission.ingress-nginx.svc:443/networking/v1beta1/ingresses?timeout=30s: x509: certificate signed by unknown authority',
      'webhook',
    ],
    [
      'error: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request',
      'aggregated-api',
    ],
    [
      'Error from server (ServiceUnavailable): the server is currently unable to handle the request (get pods.metrics.k8s.io)',
      'aggregated-api',
    ],
    [
      'Error from server (TooManyRequests): the server has received too many requests and has asked us to try again later',
      'throttled',
    ],
    ['Unable to connect to the server: x509: certificate has expired or is not yet valid', 'certificate'],
    ['The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?', 'unreachable'],
    ['Error from server (InternalError): Internal error occurred: resource quota evaluation timed out', 'server-error'],
    [
      'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
      'server-error',
    ],
    ['something odd happened', 'other'],
  ])('%s → %s', async (error, outcome) => {
    expect(classifyPageError(error)?.cls).toBe(outcome);
    const r = await clusterPageError.run({} as never, { error });
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toMatch(/^the page shows an API error, not slowness: /);
    expect(r.evidence[0]).toEqual({ label: 'page error', value: error });
  });

  it('no error given: the page is slowness, said so', async () => {
    const r = await clusterPageError.run({} as never, { error: '  ' });
    expect(r.outcome).toBe('none');
    expect(r.summary).toBe('no error was given with the page: it is read as slowness');
  });

  it('the command shown prints the text as given, so copying it runs nothing else', () => {
    const error = "it's $(echo PWNED) `echo PWNED`; echo PWNED";
    expect(execFileSync('sh', ['-c', clusterPageError.command({ error })], { encoding: 'utf8' })).toBe(`${error}\n`);
  });

  it('the page error is a signal a catalog signature can match at a generic ending', () => {
    const s = signalsOf(clusterPageError, { error: 'Error from server: etcdserver: request timed out' }, [], undefined);
    expect(s).toEqual([
      {
        kind: 'api',
        layer: 'cluster',
        source: 'the error on the page',
        text: 'Error from server: etcdserver: request timed out',
        severity: 2,
      },
    ]);
  });
});
