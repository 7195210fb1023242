import { describe, expect, it } from 'vitest';
import { scrapeCause, scrapeFailures } from '../../../src/checks/cluster/metricsServer.js';
import { causeOf } from '../../../src/checks/cluster/aggregatedApis.js';

// Lines as people pasted them, one release's wording each (sources beside each).
describe('metrics-server scrape failures, every release', () => {
  it('v0.2: summary.go, one kubelet per line (kubernetes-sigs/metrics-server#196)', () => {
    const line =
      "E1229 07:09:05.013998       1 summary.go:97] error while getting metrics summary from Kubelet kube-node3(172.16.52.132:10250): Get https://172.16.52.132:10250/stats/summary/: x509: cannot validate certificate for 172.16.52.132 because it doesn't contain any IP SANs";
    expect(scrapeFailures(line)).toEqual([
      {
        node: 'kube-node3',
        error:
          "Get https://172.16.52.132:10250/stats/summary/: x509: cannot validate certificate for 172.16.52.132 because it doesn't contain any IP SANs",
      },
    ]);
  });

  it('v0.3: manager.go, every node of the cycle in one line (kubernetes-sigs/metrics-server#541, kops)', () => {
    const line =
      'E0610 20:12:15.220770       1 manager.go:111] unable to fully collect metrics: [unable to fully scrape metrics from source kubelet_summary:ip-172-20-38-5.us-west-1.compute.internal: unable to fetch metrics from Kubelet ip-172-20-38-5.us-west-1.compute.internal (ip-172-20-38-5.us-west-1.compute.internal): Get https://ip-172-20-38-5.us-west-1.compute.internal:10250/stats/summary?only_cpu_and_memory=true: x509: certificate signed by unknown authority, unable to fully scrape metrics from source kubelet_summary:ip-172-20-86-41.us-west-1.compute.internal: unable to fetch metrics from Kubelet ip-172-20-86-41.us-west-1.compute.internal (ip-172-20-86-41.us-west-1.compute.internal): Get https://ip-172-20-86-41.us-west-1.compute.internal:10250/stats/summary?only_cpu_and_memory=true: x509: certificate signed by unknown authority]';
    const f = scrapeFailures(line);
    expect(f.map((x) => x.node)).toEqual([
      'ip-172-20-38-5.us-west-1.compute.internal',
      'ip-172-20-86-41.us-west-1.compute.internal',
    ]);
    expect(f[1]?.error).toBe(
      'Get https://ip-172-20-86-41.us-west-1.compute.internal:10250/stats/summary?only_cpu_and_memory=true: x509: certificate signed by unknown authority',
    );
    expect(f.map((x) => scrapeCause(x.error))).toEqual(['kubelet-tls', 'kubelet-tls']);
  });

  it('v0.3 quoted without its klog header (digitalocean/marketplace-kubernetes#93)', () => {
    const line =
      "unable to fully scrape metrics from source kubelet_summary:default-ji17: unable to fetch metrics from Kubelet default-ji17 (10.133.247.135): Get https://10.133.247.135:10250/stats/summary?only_cpu_and_memory=true: x509: cannot validate certificate for 10.133.247.135 because it doesn't contain any IP SANs";
    expect(scrapeFailures(line).map((f) => f.node)).toEqual(['default-ji17']);
  });

  it('v0.4: server.go, "from node" (kubernetes-sigs/metrics-server#767)', () => {
    const line =
      'E0518 07:12:42.090952       1 server.go:132] unable to fully scrape metrics: [unable to fully scrape metrics from node XXX-02: unable to fetch metrics from node XXX-02: Get "https://IP-02:10250/stats/summary?only_cpu_and_memory=true": x509: cannot validate certificate for IP-02 because it doesn\'t contain any IP SANs, unable to fully scrape metrics from node XXX-01: unable to fetch metrics from node XXX-01: Get "https://IP01:10250/stats/summary?only_cpu_and_memory=true": x509: cannot validate certificate for IP01 because it doesn\'t contain any IP SANs, unable to fully scrape metrics from node XXX-master: unable to fetch metrics from node XXX-master: Get "https://IP-MASTER:10250/stats/summary?only_cpu_and_memory=true": x509: cannot validate certificate for IP-MASTER because it doesn\'t contain any IP SANs]';
    const f = scrapeFailures(line);
    expect(f.map((x) => x.node)).toEqual(['XXX-02', 'XXX-01', 'XXX-master']);
    expect(f[2]?.error).toBe(
      'Get "https://IP-MASTER:10250/stats/summary?only_cpu_and_memory=true": x509: cannot validate certificate for IP-MASTER because it doesn\'t contain any IP SANs',
    );
  });

  it("v0.5+: scraper.go klog, behind a log viewer's prefix too (metrics-server#1223, Rancher)", () => {
    const line =
      'Mon, Mar 27 2023 4:13:45 pm | E0327 08:13:45.980182 1 scraper.go:140] "Failed to scrape node" err="Get \\"https://192.168.102.103:10250/metrics/resource\\": x509: cannot validate certificate for 192.168.10.103 because it doesn\'t contain any IP SANs" node="gitlab-server"';
    expect(scrapeFailures(line)).toEqual([
      {
        node: 'gitlab-server',
        error:
          'Get "https://192.168.102.103:10250/metrics/resource": x509: cannot validate certificate for 192.168.10.103 because it doesn\'t contain any IP SANs',
      },
    ]);
  });

  it('v0.7: timeout to access kubelet, klog and JSON (canonical/k8s-snap#1472, metrics-server#1704)', () => {
    const klog =
      'E0525 10:58:49.074164       1 scraper.go:147] "Failed to scrape node, timeout to access kubelet" err="Get \\"https://xx.xx.xx.xx:10250/metrics/resource\\": context deadline exceeded" node="poena" timeout="10s"';
    expect(scrapeFailures(klog)).toEqual([
      { node: 'poena', error: 'Get "https://xx.xx.xx.xx:10250/metrics/resource": context deadline exceeded' },
    ]);
    const json =
      '{"ts":1755621042104.129,"caller":"scraper/scraper.go:149","msg":"Failed to scrape node","node":{"name":"ip-10-108-162-175.us-east-2.compute.internal"},"err":"Get \\"https://10.108.162.175:10250/metrics/resource\\": remote error: tls: internal error"}';
    expect(scrapeFailures(json)).toEqual([
      {
        node: 'ip-10-108-162-175.us-east-2.compute.internal',
        error: 'Get "https://10.108.162.175:10250/metrics/resource": remote error: tls: internal error',
      },
    ]);
    expect(scrapeCause('Get "https://xx.xx.xx.xx:10250/metrics/resource": context deadline exceeded')).toBe(
      'kubelet-timeout',
    );
  });

  it('a cut line and the probe lines name nothing', () => {
    expect(
      scrapeFailures('92.168.143.61 because it doesn\'t contain any IP SANs" node="lke60627-94194-627bc5588479"'),
    ).toEqual([]);
    expect(
      scrapeFailures(
        'I0511 21:56:53.747234       1 server.go:187] "Failed probe" probe="metric-storage-ready" err="no metrics to serve"',
      ),
    ).toEqual([]);
  });

  it('causes: 403 from the kubelet (microk8s-core-addons#208), refused, no such host', () => {
    expect(scrapeCause('request failed, status: "403 Forbidden"')).toBe('kubelet-auth');
    expect(
      scrapeCause(
        'Get "https://10.0.0.13:10250/metrics/resource": dial tcp 10.0.0.13:10250: connect: connection refused',
      ),
    ).toBe('kubelet-refused');
    expect(
      scrapeCause(
        'Get "https://node-1:10250/metrics/resource": dial tcp: lookup node-1 on 10.96.0.10:53: no such host',
      ),
    ).toBe('kubelet-address');
  });
});

describe('what an APIService condition means (kube-aggregator wordings)', () => {
  it('reads the messages people pasted', () => {
    // kubernetes-sigs/metrics-server#208
    expect(
      causeOf({
        reason: 'FailedDiscoveryCheck',
        message:
          'no response from https://10.0.0.33:443: Get https://10.0.0.33:44\n tcp 10.0.0.33:443: connect: no route to host',
      }),
    ).toMatch(/^the API server cannot reach the backend pod's IP/);
    // kubernetes-sigs/metrics-server#1084
    expect(
      causeOf({
        reason: 'FailedDiscoveryCheck',
        message:
          'failing or missing response from https://10.0.1.197:8443/apis/metrics.k8s.io/v1beta1: bad status from https://10.0.1.197:8443/apis/metrics.k8s.io/v1beta1: 403',
      }),
    ).toMatch(/^the backend refuses the API server \(401\/403\)/);
    // kubernetes-sigs/metrics-server#304
    expect(
      causeOf({
        reason: 'FailedDiscoveryCheck',
        message:
          'failing or missing response from https://<serviceIP>:443/apis/metrics.k8s.io.v1beta1:\n  Get https://<serviceIP>:443/apis/metrics.k8s.io/v1beta1: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)',
      }),
    ).toMatch(/cannot reach the backend pod's IP/);
    expect(
      causeOf({
        reason: 'MissingEndpoints',
        message: 'endpoints for service/metrics-server in "kube-system" have no addresses with port name "https"',
      }),
    ).toMatch(/no ready endpoint/);
  });
});

describe('etcd 3.3-3.5 slow-disk wordings (cluster.etcd)', () => {
  it('capnslog "took too long (X) to execute" and "wal: sync duration", zap "slow fdatasync"', async () => {
    const { startTestDrill } = await import('../../helpers/drill.js');
    const lines = [
      // etcd-io/etcd#12405 (kubeadm, etcd 3.4 capnslog)
      '2020-10-20 12:15:22.876237 W | etcdserver: read-only range request "key:\\"/registry/storageclasses\\" range_end:\\"/registry/storageclasset\\" count_only:true " with result "range_response_count:0 size:6" took too long (2.285637356s) to execute',
      // etcd-io/etcd#10215 (etcd 3.3)
      '2018-10-25 17:30:10.292188 W | wal: sync duration of 7.645129468s, expected less than 1s',
      // k3s-io/k3s#2853 (embedded etcd 3.4 zap, as a pod log would carry it)
      '{"level":"warn","ts":"2021-01-25T06:42:36.000+0100","caller":"wal/wal.go:806","msg":"slow fdatasync","took":"7.454439372s","expected-duration":"1s"}',
    ];
    const t = await startTestDrill({
      cluster: { generate: { controlPlanes: 1, workers: 1, podsPerWorker: 0, addons: false }, nodes: [] },
      logs: [{ namespace: 'kube-system', pod: 'etcd-cp-1', container: 'etcd', previous: false, lines }],
    });
    try {
      const r = await t.check('cluster.etcd', {});
      expect(r.outcome).toBe('slow-apply');
      expect(r.facts).toMatchObject({ slowApplies: 3, slowestApply: '7.645129468s' });
    } finally {
      await t.close();
    }
  });
});

describe('admission webhook errors as the API server words them', async () => {
  const { webhookProblem } = await import('../../../src/checks/cluster/admissionWebhooks.js');
  it('reads each cause', () => {
    // istio/istio#6186 (1.9-1.13 "failed calling admission webhook")
    expect(
      webhookProblem(
        'x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "k8s.cluster.local")',
      ),
    ).toMatch(/does not trust its serving certificate/);
    // istio/istio#22372
    expect(webhookProblem('x509: certificate has expired or is not yet valid')).toBe(
      'its serving certificate has expired',
    );
    // kserve/kserve#580
    expect(webhookProblem('service "kfserving-webhook-server-service" not found')).toBe('its service does not exist');
    // helm/charts#16249
    expect(
      webhookProblem(
        'net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)',
      ),
    ).toMatch(/does not answer in time/);
    // gopaddle-io/configurator#74
    expect(webhookProblem('no endpoints available for service "configurator-controllerwebhook"')).toBe(
      'its service has no ready endpoints',
    );
  });
});
