import { describe, expect, it } from 'vitest';
import { parseJournal, parseKlogHeader, parseStructured } from '../../../src/checks/host/journal.js';
import { parseKubeletJournal } from '../../../src/checks/host/kubeletJournal.js';
import { fixture } from './fixtures.js';

const now = new Date('2025-01-01T00:00:00Z');
const p = { node: 'worker-1', sinceMinutes: 15, maxLines: 2000 };

describe('parseJournal: every form journalctl and syslog print', () => {
  // The same two kubelet lines (kubernetes#45419) as pasted, and as the real journalctl prints them in each -o form.
  it.each([
    ['journal-45419-short', 'short', '2024-05-05T13:59:56.000Z'],
    ['journal-45419-short-precise', 'short-precise', '2024-05-05T13:59:56.873Z'],
    ['journal-45419-short-iso-precise', 'short-iso-precise', '2017-05-05T13:59:56.872Z'],
    ['journal-45419-short-full', 'short-full', '2017-05-05T13:59:56.000Z'],
    ['journal-45419-short-unix', 'short-unix', '2017-05-05T13:59:56.873Z'],
    ['journal-45419-short-monotonic', 'short-monotonic', undefined],
    ['journal-45419-cat', 'cat', '2024-05-05T13:59:56.873Z'],
    ['journal-45419-json', 'json', '2017-05-05T13:59:56.872Z'],
    ['journal-45419-json-pretty', 'json', '2017-05-05T13:59:56.872Z'],
  ])('%s: read as %s, two kubelet entries, PLEG found', (name, form, time) => {
    const j = parseJournal(fixture(name).stdout, { now });
    expect(j.form).toBe(form);
    expect(j.entries).toHaveLength(2);
    const last = j.entries[1];
    expect(last?.klog).toMatchObject({
      severity: 'I',
      monthDay: '0505',
      threadId: 2858,
      source: 'kubelet_node_status.go:682',
    });
    expect(last?.message).toContain('PLEG is not healthy: pleg was last seen active 3m7.629592089s ago');
    if (form !== 'cat') expect(last).toMatchObject({ ident: 'kubelet' });
    if (form !== 'cat' && form !== 'short-monotonic') expect(last?.pid).toBe(2858);
    expect(j.entries[0]?.time?.toISOString()).toBe(time);
    const r = parseKubeletJournal(fixture(name), p);
    expect(r.outcome).toBe('pleg-unhealthy');
    expect(r.facts).toMatchObject({ plegLastSeenSeconds: 188, kubeletJournalLines: 2, kubeletJournalForm: form });
  });

  it.each([
    // name, form, entries, kubelet outcome, facts
    ['journal-centos7-restart-loop', 'short', 12, 'quiet', { kubeletLastExit: 'code=exited, status=255/n/a' }],
    [
      'journal-centos8-restart-counter',
      'short',
      11,
      'quiet',
      { kubeletLastExit: 'code=exited, status=203/EXEC', kubeletRestartCounter: 558 },
    ],
    ['journal-zh-locale', 'short', 2, 'quiet', { kubeletJournalLines: 2 }],
    ['journal-xe-catalog', 'short', 6, 'quiet', { kubeletJournalLines: 4, kubeletErrorLines: 3 }],
    ['journal-de-locale-dockerd', 'short', 4, 'quiet', { kubeletJournalLines: 0 }],
    // The kubelet cannot reach its API server (TLS handshake timeout): the apiserver-unreachable class.
    [
      'journal-klog-file-tls-timeout',
      'cat',
      4,
      'apiserver-unreachable',
      { kubeletErrorLines: 4, apiserverUnreachableLines: 4, apiserverEndpoint: '3.0.38.45:5443' },
    ],
    ['journal-json-logging-talos', 'cat', 4, 'quiet', { kubeletJournalLines: 4, kubeletErrorLines: 0 }],
    ['journal-structured-pleg-startup', 'short', 2, 'quiet', { kubeletErrorLines: 2, plegUnhealthyLines: 0 }],
  ])('%s (real paste): %s, %i entries, kubelet journal %s', (name, form, count, outcome, facts) => {
    const j = parseJournal(fixture(name).stdout, { now });
    expect(j.form).toBe(form);
    expect(j.entries).toHaveLength(count);
    const r = parseKubeletJournal(fixture(name), p);
    expect(r.outcome).toBe(outcome);
    expect(r.facts).toMatchObject(facts);
  });

  it('a locale month (10月, Mai) still gives the time; -x catalog lines and the "Logs begin" line are markers', () => {
    expect(parseJournal(fixture('journal-zh-locale').stdout, { now }).entries[0]?.time?.toISOString()).toBe(
      '2024-10-25T16:08:09.000Z',
    );
    expect(parseJournal(fixture('journal-de-locale-dockerd').stdout, { now }).entries[0]?.time?.toISOString()).toBe(
      '2024-05-22T08:07:35.000Z',
    );
    const xe = parseJournal(fixture('journal-xe-catalog').stdout, { now });
    expect(xe.markers).toEqual(['-- Subject: A stop job for unit kubelet.']);
    expect(xe.entries.map((e) => e.ident)).toEqual(['kubelet', 'kubelet', 'kubelet', 'sudo', 'sudo', 'systemd']);
    expect(parseJournal(fixture('journal-centos7-restart-loop').stdout, { now }).markers[0]).toMatch(
      /^-- Logs begin at/,
    );
  });

  it('logrus lines (dockerd, containerd) give their level and msg', () => {
    const e = parseJournal(fixture('journal-de-locale-dockerd').stdout, { now }).entries[2];
    expect(e).toMatchObject({ ident: 'dockerd', pid: 1058, severity: 'W', msg: 'mountpoint for pids not found' });
  });

  it('component-base JSON logs, each prefixed by its node (talosctl): msg, fields, the node and the time', () => {
    const e = parseJournal(fixture('journal-json-logging-talos').stdout, { now }).entries[3];
    expect(e).toMatchObject({
      host: '10.200.1.3',
      severity: 'I',
      msg: 'Loading cert/key pair from "/var/lib/kubelet/pki/kubelet-client-current.pem".',
    });
    expect(e?.fields.caller).toBe('certificate/certificate_store.go:130');
    expect(e?.time?.toISOString()).toBe('2025-07-21T18:08:51.923Z');
  });

  it('structured klog: the quoted message and key="value" fields, quotes unescaped', () => {
    const e = parseJournal(fixture('journal-structured-pleg-startup').stdout, { now }).entries[1];
    expect(e?.msg).toBe('Skipping pod synchronization');
    expect(e?.fields.err).toBe(
      '[container runtime status check may not have completed yet, PLEG is not healthy: pleg has yet to be successful]',
    );
    expect(
      parseStructured('"Failed to update lease" err="Put \\"https://x/leases/n?timeout=10s\\": EOF" node="n1" count=3'),
    ).toEqual({
      msg: 'Failed to update lease',
      fields: { err: 'Put "https://x/leases/n?timeout=10s": EOF', node: 'n1', count: '3' },
    });
  });

  it('klog headers of each severity', () => {
    expect(parseKlogHeader('F0304 10:22:13.123456    1234 server.go:123] failed to run Kubelet')?.header).toEqual({
      severity: 'F',
      monthDay: '0304',
      time: '10:22:13.123456',
      threadId: 1234,
      source: 'server.go:123',
    });
    expect(parseKlogHeader('E0304 10:22:13.123456 1234 kubelet/kubelet.go:1991] x')?.header.source).toBe(
      'kubelet/kubelet.go:1991',
    );
    expect(parseKlogHeader('Error: something')).toBeUndefined();
  });

  it('a shell prompt pasted with the output is not an entry; an indented continuation joins its entry', () => {
    const j = parseJournal(
      '[root@node ~]# journalctl -u kubelet\nMar 04 10:22:13 node kubelet[12]: E0304 10:22:13.1 12 a.go:1] first\n    second line\n',
      { now },
    );
    expect(j.entries).toHaveLength(1);
    expect(j.entries[0]?.message).toBe('E0304 10:22:13.1 12 a.go:1] first\nsecond line');
  });

  it('no journal, no entries', () => {
    expect(
      parseJournal(fixture('journalctl-no-journal').stdout + fixture('journalctl-no-journal').stderr),
    ).toMatchObject({ noJournal: true, entries: [] });
    expect(parseJournal(fixture('journal-no-entries').stdout)).toMatchObject({
      noEntries: true,
      entries: [],
      form: 'none',
    });
  });
});
