import { describe, expect, it } from 'vitest';
import { shiftObjectTimes, shiftText, timeShift } from '../../src/drill/timeShift.js';
import type { TimeShift } from '../../src/drill/timeShift.js';

// Every sample is a line as it was pasted in the thread named beside it; the
// shift moves pastedAt (the moment the sample was printed, near its newest
// time) to the drill's now and must keep the line's own format.
const now = new Date('2026-12-06T15:00:00Z');
const at = (pastedAt: string): TimeShift => {
  const s = timeShift(pastedAt, now);
  if (!s) throw new Error(pastedAt);
  return s;
};

interface Row {
  format: string;
  source: string;
  pastedAt: string;
  line: string;
  want: string;
}

const rows: Row[] = [
  {
    format: 'RFC 3339, nanoseconds, Z (logrus in the docker registry log)',
    source: 'https://github.com/openshift/origin/issues/19538',
    pastedAt: '2018-04-30T07:39:44Z',
    line: 'time="2018-04-30T07:39:44.732969874Z" level=info msg="(*cachedImageGetter).Get: found image sha256:67e742cad0bd in cache"',
    want: 'time="2026-12-06T15:00:00.732969874Z" level=info msg="(*cachedImageGetter).Get: found image sha256:67e742cad0bd in cache"',
  },
  {
    format: 'RFC 3339, milliseconds, Z (etcd 3.4 zap JSON)',
    source: 'https://github.com/etcd-io/etcd/issues/12094',
    pastedAt: '2020-06-30T01:17:40Z',
    line: '{"level":"warn","ts":"2020-06-30T01:17:40.457Z","caller":"etcdserver/util.go:144","msg":"apply request took too long","start":"2020-06-30T01:17:29.521Z"}',
    want: '{"level":"warn","ts":"2026-12-06T15:00:00.457Z","caller":"etcdserver/util.go:144","msg":"apply request took too long","start":"2026-12-06T14:59:49.521Z"}',
  },
  {
    format: 'ISO with a space, no zone (etcd 3.3 capnslog)',
    source: 'https://github.com/kubernetes/kubeadm/issues/1181',
    pastedAt: '2018-10-22T11:22:16Z',
    line: '2018-10-22 11:22:14.706081 W | etcdserver: read-only range request "key:\\"foo\\" " with result "range_response_count:0 size:5" took too long (1.310910984s) to execute',
    want: '2026-12-06 14:59:58.706081 W | etcdserver: read-only range request "key:\\"foo\\" " with result "range_response_count:0 size:5" took too long (1.310910984s) to execute',
  },
  {
    format: 'journalctl short + klog header (E)',
    source: 'https://github.com/kubeflow/kubeflow/issues/2698',
    pastedAt: '2019-03-14T08:40:06Z',
    line: 'Mar 14 08:39:55 minikube kubelet[3244]: E0314 08:39:55.517696    3244 pod_workers.go:190] Error syncing pod 4b4728cd-4620-11e9-9bf4-d409029b649b',
    want: 'Dec 06 14:59:49 minikube kubelet[3244]: E1206 14:59:49.517696    3244 pod_workers.go:190] Error syncing pod 4b4728cd-4620-11e9-9bf4-d409029b649b',
  },
  {
    format: 'journalctl short + klog header (W), one second apart',
    source: 'https://github.com/kubernetes/kubernetes/issues/23584',
    pastedAt: '2016-03-29T15:18:05Z',
    line: 'Mar 29 15:18:05 minion1 kubelet-wrapper[773]: W0329 15:18:04.577928     773 manager.go:1897] Failed to pull image "gcr.io/google_containers/guestbook:v2"',
    want: 'Dec 06 15:00:00 minion1 kubelet-wrapper[773]: W1206 14:59:59.577928     773 manager.go:1897] Failed to pull image "gcr.io/google_containers/guestbook:v2"',
  },
  {
    format: 'klog header alone (I)',
    source: 'https://github.com/kubernetes/kubernetes/issues/7968',
    pastedAt: '2015-05-08T16:05:23Z',
    line: 'I0508 16:05:13.068499    4546 server.go:635] GET /stats/default/client-fh62u/f3752ac9-f59b-11e4-8b22-42010af08867/client: (2.090625ms) 404',
    want: 'I1206 14:59:50.068499    4546 server.go:635] GET /stats/default/client-fh62u/f3752ac9-f59b-11e4-8b22-42010af08867/client: (2.090625ms) 404',
  },
  {
    format: 'systemd timestamp with weekday (systemctl status), and the journal line under it',
    source: 'https://github.com/geerlingguy/ansible-role-kubernetes/issues/125',
    pastedAt: '2022-09-15T17:29:35Z',
    line: '     Active: active (running) since Thu 2022-09-15 17:25:35 UTC; 4min 0s ago\nSep 15 17:29:35 instance kubelet[6443]: E0915 17:29:35.631091    6443 kubelet.go:2448] "Error getting node" err="node "instance" not found"',
    want: '     Active: active (running) since Sun 2026-12-06 14:56:00 UTC; 4min 0s ago\nDec 06 15:00:00 instance kubelet[6443]: E1206 15:00:00.631091    6443 kubelet.go:2448] "Error getting node" err="node "instance" not found"',
  },
  {
    format: 'RFC 1123 with a numeric zone (kubectl describe Start Time)',
    source: 'https://github.com/kubernetes/kubernetes/issues/22005',
    pastedAt: '2016-02-25T11:34:53-08:00',
    line: 'Start Time:     Thu, 25 Feb 2016 11:02:53 -0800',
    want: 'Start Time:     Sun, 06 Dec 2026 06:28:00 -0800',
  },
  {
    format: 'date(1) / Go UnixDate (a kernel build time in uname -a)',
    source: 'https://github.com/rancher/k3os/issues/397',
    pastedAt: '2020-01-15T04:09:29Z',
    line: '5.0.0-37-generic #40~18.04.1 SMP Wed Jan 15 04:09:29 UTC 2020',
    want: '5.0.0-37-generic #40~18.04.1 SMP Sun Dec  6 15:00:00 UTC 2026',
  },
  {
    format: 'asctime, no zone (watch header)',
    source: 'https://github.com/GoogleCloudPlatform/continuous-deployment-on-kubernetes/issues/84',
    pastedAt: '2017-06-13T15:35:27Z',
    line: 'Every 2.0s: kubectl get pod -o wide --namespace=production                          Tue Jun 13 15:35:27 2017',
    want: 'Every 2.0s: kubectl get pod -o wide --namespace=production                          Sun Dec  6 15:00:00 2026',
  },
  {
    format: 'openssl validity, space-padded day',
    source: 'https://github.com/hyfen-eu/PIVT/issues/13',
    pastedAt: '2019-10-03T12:00:00Z',
    line: '            Not Before: Oct  1 20:18:00 2019 GMT\n            Not After : Sep 28 20:18:00 2029 GMT',
    want: '            Not Before: Dec  4 23:18:00 2026 GMT\n            Not After : Dec  1 23:18:00 2036 GMT',
  },
  {
    format: 'klog header (E), kubelet log file without a journal prefix',
    source: 'https://github.com/kubernetes/kubernetes/issues/36341',
    pastedAt: '2016-11-05T10:29:54Z',
    line: 'E1105 10:29:53.995822    4789 reflector.go:216] pkg/kubelet/kubelet.go:1230: Failed to list *api.ConfigMap: net/http: TLS handshake timeout',
    want: 'E1206 14:59:59.995822    4789 reflector.go:216] pkg/kubelet/kubelet.go:1230: Failed to list *api.ConfigMap: net/http: TLS handshake timeout',
  },
];

describe('shiftText: each time format, as real output printed it', () => {
  for (const r of rows) {
    it(`${r.format} (${r.source})`, () => {
      expect(shiftText(r.line, at(r.pastedAt))).toBe(r.want);
    });
  }

  // No pasted sample of these yet: the formats as journalctl and Python print them.
  it('short-iso (+0000), RFC 3339 with +00:00, Go log package, a day padded with a space', () => {
    const s = at('2021-03-04T10:22:13Z');
    expect(shiftText('2021/03/04 10:22:10 Starting nginx', s)).toBe('2026/12/06 14:59:57 Starting nginx');
    expect(shiftText('2021-03-04T10:22:13+0000 node-1 kubelet[1]: ok', s)).toBe(
      '2026-12-06T15:00:00+0000 node-1 kubelet[1]: ok',
    );
    expect(shiftText('2021-03-04T10:22:13.123456+00:00 ok', s)).toBe('2026-12-06T15:00:00.123456+00:00 ok');
    expect(shiftText('Mar  4 10:22:13 node-1 kubelet[1]: ok', at('2021-03-04T10:22:13Z'))).toBe(
      'Dec  6 15:00:00 node-1 kubelet[1]: ok',
    );
  });

  it('a zone-less time is read in pastedAt zone; a zoned one by the instant', () => {
    const s = at('2021-03-04T18:22:13+08:00');
    expect(shiftText('Mar 04 18:22:13 host kubelet', s)).toBe('Dec 06 15:00:00 host kubelet');
    expect(shiftText('2021-03-04T10:22:13Z', s)).toBe('2026-12-06T15:00:00Z');
    expect(shiftText('2021-03-04T18:22:13+08:00', s)).toBe('2026-12-06T23:00:00+08:00');
  });

  it('a yearless December line pasted in January belongs to the year before', () => {
    expect(shiftText('Dec 31 23:59:00 host kubelet', at('2021-01-01T00:01:00Z'))).toBe('Dec 06 14:58:00 host kubelet');
  });

  it('leaves versions, durations and invalid dates alone', () => {
    const s = at('2021-03-04T10:22:13Z');
    for (const text of [
      'kubelet v1.20.4',
      'took too long (1.310910984s)',
      'I1399 10:22:13 not a date',
      'build 2021-13-45 10:22:13',
    ])
      expect(shiftText(text, s)).toBe(text);
  });
});

describe('shiftObjectTimes', () => {
  it('moves every RFC 3339 string value, nothing else', () => {
    const s = at('2021-03-04T10:22:13Z');
    const pod = {
      metadata: {
        name: 'web',
        creationTimestamp: '2021-03-04T10:00:00Z',
        annotations: { note: 'restarted 2021-03-04T10:00:00Z' },
      },
      status: { conditions: [{ type: 'Ready', lastTransitionTime: '2021-03-04T10:20:00Z' }], startTime: 'now-5m' },
      eventTime: '2021-03-04T10:22:12.123456Z',
    };
    expect(shiftObjectTimes(pod, s)).toEqual({
      metadata: {
        name: 'web',
        creationTimestamp: '2026-12-06T14:37:47Z',
        annotations: { note: 'restarted 2021-03-04T10:00:00Z' },
      },
      status: { conditions: [{ type: 'Ready', lastTransitionTime: '2026-12-06T14:57:47Z' }], startTime: 'now-5m' },
      eventTime: '2026-12-06T14:59:59.123456Z',
    });
  });
});
