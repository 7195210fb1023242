import { describe, expect, it } from 'vitest';
import type { HostCheck } from '../../../src/checks/host/define.js';
import { checks } from '../../../src/checks/registry.js';
import type { CheckResult } from '../../../src/checks/types.js';
import { runHostCheck } from './helpers.js';
import { fixture } from './fixtures.js';
import { createManualAccess } from '../../../src/nodeaccess/manual.js';

/**
 * Issue 13 §2: every host check reads every common form of the evidence it asks
 * for, and a neighbouring command's output pasted instead is read or named
 * ("this is `top` output; …"), never refused. One row per form, each on a fixture
 * of real output (test/fixtures/host/README.md says where each came from).
 *
 * A host check added to the registry without a row here fails the first test.
 */

/** The forms §2 lists, by family; a check that asks for one of these families must show a fixture of each. */
const families = {
  journal: [
    'journalctl short',
    'journalctl short-iso',
    'journalctl short-precise',
    'journalctl -o cat',
    'journalctl -o json',
    'syslog lines',
    'klog F',
    'klog E',
    'structured klog',
  ],
  cpu: ['/proc/stat', 'top -bn1', 'mpstat', 'vmstat', 'sar -u', 'pidstat'],
  processes: ['ps -ef', 'ps aux', 'ps -eo'],
  systemd: ['systemctl show', 'systemctl status'],
  'dbus-call': [
    'busctl reply',
    'busctl time-out',
    'dbus-send reply',
    'dbus-send NoReply',
    'gdbus reply',
    'gdbus time-out',
    'Activation of org.freedesktop.systemd1 timed out',
    'connection closed by user',
  ],
  'dbus-list': [
    'busctl list',
    'dbus-send ListNames',
    'gdbus ListNames',
    'busctl time-out',
    'connection closed by user',
  ],
  timedated: ['timedatectl show', 'timedatectl status'],
  firewalld: ['systemctl status'],
  kernel: ['dmesg', 'dmesg -T', 'journalctl -k'],
} as const;
type Family = keyof typeof families;

interface Row {
  form: string;
  fixture: string;
  outcome: string;
  /** For an `error`: the kind a tool's own failure gives (no systemd, systemd not answering). Else the text must be named. */
  errorKind?: string;
  facts?: Record<string, unknown>;
  /** systemd's version as its source states, for the systemd family's span. */
  systemd?: number;
}

type Entry = { families: Family[]; rows: Row[] } | { none: string };

const systemdTimeouts: Row[] = [
  {
    form: 'systemctl status',
    fixture: 'systemctl-status-activation-timeout-249',
    outcome: 'error',
    errorKind: 'systemd-timeout',
    systemd: 249,
  },
  {
    form: 'systemctl status',
    fixture: 'systemctl-status-activation-timed-out-old',
    outcome: 'error',
    errorKind: 'systemd-timeout',
  },
  {
    form: 'systemctl show',
    fixture: 'systemctl-show-no-systemd',
    outcome: 'error',
    errorKind: 'no-systemd',
    systemd: 252,
  },
];

const table: Record<string, Entry> = {
  'host.kubelet-service': {
    families: ['systemd'],
    rows: [
      {
        form: 'systemctl show',
        fixture: 'systemctl-show-kubelet-head-restarting-kata-3654',
        outcome: 'restart-loop',
        facts: { kubeletRestarts: 49612, kubeletExitStatus: 1 },
        systemd: 245,
      },
      {
        form: 'systemctl show',
        fixture: 'systemctl-show-kubelet-head-restarting-kata-776',
        outcome: 'restart-loop',
        facts: { kubeletRestarts: 653, kubeletExitStatus: 255 },
        systemd: 237,
      },
      { form: 'systemctl show', fixture: 'systemctl-show-kubelet-head-running-kata-683', outcome: 'running' },
      {
        form: 'systemctl status',
        fixture: 'systemctl-status-kubelet-centos7-auto-restart',
        outcome: 'restart-loop',
        facts: { kubeletExitStatus: 255 },
        systemd: 219,
      },
      {
        form: 'systemctl status',
        fixture: 'systemctl-status-kubelet-1-failure',
        outcome: 'restart-loop',
        facts: { kubeletExitStatus: 1 },
        systemd: 219,
      },
      {
        form: 'systemctl status',
        fixture: 'systemctl-status-kubelet-start-limit-zh',
        outcome: 'failed',
        facts: { kubeletResult: 'start-limit' },
      },
      {
        form: 'systemctl status',
        fixture: 'systemctl-status-kubelet-ubuntu-running',
        outcome: 'running',
        systemd: 245,
      },
      { form: 'systemctl status', fixture: 'systemctl-status-kubelet-inactive-252', outcome: 'inactive', systemd: 252 },
      ...systemdTimeouts,
    ],
  },
  'host.container-runtime': {
    families: ['systemd'],
    rows: [
      {
        form: 'systemctl status',
        fixture: 'systemctl-status-docker-de-8668',
        outcome: 'running',
        facts: { runtimeUnit: 'docker' },
        systemd: 219,
      },
      ...systemdTimeouts,
    ],
  },
  'host.control-plane-services': {
    families: ['systemd'],
    rows: [
      {
        form: 'systemctl status',
        fixture: 'systemctl-status-control-plane-not-found-3326',
        outcome: 'none',
        facts: { strayServices: '' },
        systemd: 219,
      },
      {
        form: 'systemctl status',
        fixture: 'systemctl-status-kube-apiserver-condition-2196',
        outcome: 'none',
        systemd: 231,
      },
      ...systemdTimeouts,
    ],
  },
  'host.front-proxy': {
    families: ['systemd'],
    rows: [
      {
        form: 'systemctl status',
        fixture: 'systemctl-status-nginx-failed-mainsail-600',
        outcome: 'failed',
        facts: { proxyResult: 'exit-code' },
        systemd: 241,
      },
      {
        form: 'systemctl status',
        fixture: 'systemctl-status-nginx-failed-avideo-9819',
        outcome: 'failed',
        systemd: 255,
      },
      {
        form: 'systemctl status',
        fixture: 'systemctl-status-control-plane-not-found-3326',
        outcome: 'not-installed',
        systemd: 219,
      },
      {
        form: 'systemctl show',
        fixture: 'systemctl-show-nginx-no-systemd',
        outcome: 'error',
        errorKind: 'no-systemd',
        systemd: 252,
      },
      ...systemdTimeouts.filter((r) => r.form === 'systemctl status'),
    ],
  },
  'host.firewall': {
    families: ['firewalld'],
    rows: [
      {
        form: 'systemctl status',
        fixture: 'systemctl-status-firewalld-dead-44816',
        outcome: 'error',
        facts: { firewalldState: 'inactive' },
        systemd: 219,
      },
    ],
  },
  'host.time-sync': {
    families: ['timedated'],
    rows: [
      {
        form: 'timedatectl show',
        fixture: 'timedatectl-show-no-systemd',
        outcome: 'error',
        errorKind: 'no-systemd',
        systemd: 252,
      },
      {
        form: 'timedatectl status',
        fixture: 'timedatectl-status-old-not-synced-deis-3634',
        outcome: 'no-time-service',
        facts: { ntpSynchronized: false },
      },
      {
        form: 'timedatectl status',
        fixture: 'timedatectl-status-timesyncd-dietpi-1661',
        outcome: 'synced',
        systemd: 238,
      },
      {
        form: 'timedatectl status',
        fixture: 'timedatectl-status-not-synced-balena-1852',
        outcome: 'no-time-service',
        facts: { ntpSynchronized: false },
      },
      {
        form: 'timedatectl status',
        fixture: 'timedatectl-status-ntp-service-na-nixos-48917',
        outcome: 'synced',
        systemd: 239,
      },
    ],
  },
  'host.kubelet-journal': {
    families: ['journal'],
    rows: [
      {
        form: 'journalctl short',
        fixture: 'journal-45419-short',
        outcome: 'pleg-unhealthy',
        facts: { kubeletJournalForm: 'short' },
      },
      {
        form: 'journalctl short-iso',
        fixture: 'journal-45419-short-iso',
        outcome: 'pleg-unhealthy',
        facts: { kubeletJournalForm: 'short-iso' },
      },
      {
        form: 'journalctl short-precise',
        fixture: 'journal-45419-short-precise',
        outcome: 'pleg-unhealthy',
        facts: { kubeletJournalForm: 'short-precise' },
      },
      {
        form: 'journalctl -o cat',
        fixture: 'journal-45419-cat',
        outcome: 'pleg-unhealthy',
        facts: { kubeletJournalForm: 'cat' },
      },
      {
        form: 'journalctl -o json',
        fixture: 'journal-45419-json',
        outcome: 'pleg-unhealthy',
        facts: { kubeletJournalForm: 'json' },
      },
      {
        form: 'journalctl -o json',
        fixture: 'journal-45419-json-pretty',
        outcome: 'pleg-unhealthy',
        facts: { kubeletJournalForm: 'json' },
      },
      {
        form: 'syslog lines',
        fixture: 'journal-syslog-rook-7171',
        outcome: 'runtime-timeout',
        facts: { plegUnhealthyLines: 5 },
      },
      {
        form: 'klog F',
        fixture: 'journal-klog-fatal-98150',
        outcome: 'certificate',
        facts: { kubeletErrorLines: 2, kubeletLastExit: 'code=exited, status=255/EXCEPTION' },
      },
      {
        form: 'klog E',
        fixture: 'journal-klog-error-wrapper-54381',
        outcome: 'runtime-timeout',
        facts: { kubeletErrorLines: 3 },
      },
      { form: 'klog E', fixture: 'journal-klog-file-tls-timeout', outcome: 'apiserver-unreachable' },
      {
        form: 'structured klog',
        fixture: 'journal-structured-pleg-startup',
        outcome: 'quiet',
        facts: { kubeletErrorLines: 2 },
      },
    ],
  },
  // etcd's own lines in every journal form go through the same journal reader; the kubelet's lines in it are no etcd finding.
  'host.etcd-journal': {
    families: ['journal'],
    rows: [
      {
        form: 'journalctl short',
        fixture: 'etcd-journal-k3s-slow-fdatasync',
        outcome: 'slow-apply',
        facts: { slowestApply: '7.454439372s' },
      },
      { form: 'journalctl short', fixture: 'journal-45419-short', outcome: 'quiet' },
      { form: 'journalctl short-iso', fixture: 'journal-45419-short-iso', outcome: 'quiet' },
      { form: 'journalctl short-precise', fixture: 'journal-45419-short-precise', outcome: 'quiet' },
      { form: 'journalctl -o cat', fixture: 'journal-45419-cat', outcome: 'quiet' },
      { form: 'journalctl -o json', fixture: 'journal-45419-json', outcome: 'quiet' },
      { form: 'syslog lines', fixture: 'journal-syslog-rook-7171', outcome: 'quiet' },
      { form: 'klog F', fixture: 'journal-klog-fatal-98150', outcome: 'quiet' },
      { form: 'klog E', fixture: 'journal-klog-error-wrapper-54381', outcome: 'quiet' },
      { form: 'structured klog', fixture: 'journal-structured-pleg-startup', outcome: 'quiet' },
    ],
  },
  'host.runc-lingering': {
    families: ['processes'],
    rows: [
      { form: 'ps -ef', fixture: 'ps-ef-runc-standin', outcome: 'lingering' },
      // Without the header line, as `ps -ef | grep runc` and `ps auxf | grep …` leave them.
      { form: 'ps -ef', fixture: 'ps-ef-headerless-runc-1959', outcome: 'lingering', facts: { lingeringRunc: 3 } },
      { form: 'ps aux', fixture: 'ps-auxf-headerless-for-linux-891', outcome: 'clear' },
      { form: 'ps aux', fixture: 'ps-aux-runc-standin', outcome: 'lingering' },
      { form: 'ps -eo', fixture: 'ps-eo-etimes-runc-standin', outcome: 'lingering', facts: { oldestRuncSeconds: 76 } },
      { form: 'ps -eo', fixture: 'ps-eo-reordered-runc-standin', outcome: 'lingering' },
      // Neighbours: named, never read as "no runc" (they show neither every process nor its age).
      { form: 'top -bn1', fixture: 'top-kubelet-over-100', outcome: 'error' },
      { form: 'top -bn1', fixture: 'top-bn2-runc-standin', outcome: 'error' },
      { form: 'pidstat', fixture: 'pidstat-runc-standin', outcome: 'error' },
    ],
  },
  'host.cpu-steal': {
    families: ['cpu'],
    rows: [
      { form: '/proc/stat', fixture: 'proc-stat-dev-machine', outcome: 'normal', facts: { cpuSource: '/proc/stat' } },
      { form: 'top -bn1', fixture: 'top-rke2-t3a-steal', outcome: 'high-steal', facts: { stealPercent: 65.9 } },
      { form: 'top -bn1', fixture: 'top-coreos-old-form-steal', outcome: 'high-steal', facts: { stealPercent: 54.3 } },
      { form: 'top -bn1', fixture: 'top-iowait-kswapd', outcome: 'high-iowait' },
      { form: 'mpstat', fixture: 'mpstat-dev-machine', outcome: 'normal', facts: { cpuSource: 'mpstat' } },
      { form: 'mpstat', fixture: 'mpstat-de-locale-dev-machine', outcome: 'normal' },
      { form: 'vmstat', fixture: 'vmstat-exawatcher-time', outcome: 'normal', facts: { cpuSource: 'vmstat' } },
      { form: 'sar -u', fixture: 'sar-u-ampm-kvm', outcome: 'normal', facts: { stealPercent: 0.01 } },
      { form: 'pidstat', fixture: 'pidstat-runc-standin', outcome: 'error' },
      { form: 'ps aux', fixture: 'ps-aux-runc-standin', outcome: 'error' },
    ],
  },
  'host.cpu-consumers': {
    families: ['cpu', 'processes'],
    rows: [
      {
        form: 'top -bn1',
        fixture: 'top-kubelet-over-100',
        outcome: 'process-hog',
        facts: { cpuHog: 'kubelet', cpuHogPercent: 101.2 },
      },
      { form: 'top -bn1', fixture: 'top-hyperkube-system-time', outcome: 'system-time' },
      { form: 'ps aux', fixture: 'ps-aux-runc-standin', outcome: 'normal', facts: { cpuConsumersSource: 'ps aux' } },
      {
        form: 'ps -eo',
        fixture: 'ps-eo-reordered-runc-standin',
        outcome: 'normal',
        facts: { cpuConsumersSource: 'ps -eo' },
      },
      { form: 'ps -ef', fixture: 'ps-ef-runc-standin', outcome: 'error' },
      { form: 'pidstat', fixture: 'pidstat-runc-standin', outcome: 'normal', facts: { cpuConsumersSource: 'pidstat' } },
      { form: 'mpstat', fixture: 'mpstat-dev-machine', outcome: 'normal', facts: { cpuConsumersSource: 'mpstat' } },
      { form: 'vmstat', fixture: 'vmstat-exawatcher-time', outcome: 'normal', facts: { cpuConsumersSource: 'vmstat' } },
      { form: 'sar -u', fixture: 'sar-u-ampm-kvm', outcome: 'normal', facts: { cpuConsumersSource: 'sar' } },
      {
        form: '/proc/stat',
        fixture: 'proc-stat-dev-machine',
        outcome: 'normal',
        facts: { cpuConsumersSource: '/proc/stat' },
      },
    ],
  },
  'host.systemd-dbus': {
    families: ['dbus-call'],
    rows: [
      { form: 'busctl reply', fixture: 'busctl-ping-systemd1-answered', outcome: 'answering' },
      { form: 'busctl time-out', fixture: 'busctl-ping-timeout', outcome: 'timeout' },
      { form: 'dbus-send reply', fixture: 'dbus-send-ping-answered', outcome: 'answering' },
      { form: 'dbus-send NoReply', fixture: 'dbus-send-ping-noreply', outcome: 'timeout' },
      { form: 'gdbus reply', fixture: 'gdbus-ping-answered', outcome: 'answering' },
      { form: 'gdbus time-out', fixture: 'gdbus-ping-timeout', outcome: 'timeout' },
      {
        form: 'Activation of org.freedesktop.systemd1 timed out',
        fixture: 'systemctl-status-activation-timed-out-old',
        outcome: 'timeout',
      },
      {
        form: 'Activation of org.freedesktop.systemd1 timed out',
        fixture: 'systemctl-status-activation-timeout-249',
        outcome: 'timeout',
      },
      // The kubelet's own connection was closed (dbus restarted): named, never read as systemd not answering a Ping.
      { form: 'connection closed by user', fixture: 'kubectl-events-dbus-closed-100328', outcome: 'error' },
    ],
  },
  'host.dbus-names': {
    families: ['dbus-list'],
    rows: [
      { form: 'busctl list', fixture: 'busctl-list-private-bus', outcome: 'answering', facts: { systemd1OnBus: true } },
      {
        form: 'dbus-send ListNames',
        fixture: 'dbus-send-listnames',
        outcome: 'answering',
        facts: { systemd1OnBus: true, busConnections: 2 },
      },
      {
        form: 'gdbus ListNames',
        fixture: 'gdbus-listnames',
        outcome: 'answering',
        facts: { systemd1OnBus: true, busConnections: 2 },
      },
      { form: 'busctl time-out', fixture: 'busctl-list-daemon-stopped', outcome: 'no-answer' },
      { form: 'connection closed by user', fixture: 'kubectl-events-dbus-closed-100328', outcome: 'error' },
    ],
  },
  'host.kernel-log': {
    families: ['kernel'],
    rows: [
      {
        form: 'dmesg -T',
        fixture: 'dmesg-T-conntrack-71261',
        outcome: 'errors',
        facts: { kernelLogSource: 'dmesg', kernelErrorKinds: 'network' },
      },
      {
        form: 'dmesg',
        fixture: 'dmesg-nfs-hung-task-zfs-3850',
        outcome: 'errors',
        facts: { kernelLogSource: 'dmesg', kernelErrorKinds: 'network, hung task or lockup' },
      },
      {
        form: 'journalctl -k',
        fixture: 'syslog-kernel-hung-kswapd-zfs-2628',
        outcome: 'errors',
        facts: { kernelLogSource: 'journalctl -k' },
      },
      {
        form: 'journalctl -k',
        fixture: 'journal-kernel-megaraid-85880',
        outcome: 'quiet',
        facts: { kernelLogSource: 'journalctl -k' },
      },
      { form: 'syslog lines', fixture: 'journal-syslog-rook-7171', outcome: 'quiet' },
    ],
  },
  // The units' journals go through the same journal reader as the kubelet's: every form of it.
  'host.service-journals': {
    families: ['journal'],
    rows: [
      {
        form: 'journalctl short',
        fixture: 'journal-k3s-agent-flag-9598',
        outcome: 'errors',
        facts: { serviceLastErrorUnit: 'sh' },
      },
      {
        form: 'journalctl short',
        fixture: 'journal-45419-short',
        outcome: 'quiet',
        facts: { serviceUnits: 'kubelet' },
      },
      {
        form: 'journalctl short-iso',
        fixture: 'journal-45419-short-iso',
        outcome: 'quiet',
        facts: { serviceUnits: 'kubelet' },
      },
      { form: 'journalctl short-precise', fixture: 'journal-45419-short-precise', outcome: 'quiet' },
      { form: 'journalctl -o cat', fixture: 'journal-45419-cat', outcome: 'quiet' },
      {
        form: 'journalctl -o json',
        fixture: 'journal-45419-json',
        outcome: 'quiet',
        facts: { serviceUnits: 'kubelet' },
      },
      { form: 'syslog lines', fixture: 'journal-syslog-rook-7171', outcome: 'errors' },
      {
        form: 'klog F',
        fixture: 'journal-klog-fatal-98150',
        outcome: 'errors',
        facts: { serviceErrorLines: 3, serviceLastErrorUnit: 'systemd' },
      },
      { form: 'klog E', fixture: 'journal-klog-error-wrapper-54381', outcome: 'errors' },
      { form: 'structured klog', fixture: 'journal-structured-pleg-startup', outcome: 'errors' },
    ],
  },
  'host.kubeconfig-certificates': {
    none: 'cat of a kubeconfig (YAML) and openssl x509 -enddate: no §2 form applies (test/checks/host/hostLogs.test.ts reads real ones)',
  },
  'host.kube-proxy-rules': {
    none: 'iptables-save / ipvsadm -Ln output: no §2 form applies (test/checks/host/kubeProxyRules.test.ts reads real output of each)',
  },
  'host.kubelet-config': {
    none: 'cat of a YAML file: no §2 form (journal, CPU, process list, systemd or D-Bus output) applies',
  },
  'host.crictl-info': { none: 'crictl info JSON: no §2 form applies' },
  'host.disk-space': { none: 'df output: no §2 form applies' },
  'host.disk-inodes': { none: 'df -i output: no §2 form applies' },
  'host.certificates-on-disk': { none: 'openssl x509 -enddate: no §2 form applies' },
  'host.etcd-container-log': {
    none: "docker logs etcd, plain or in docker's json-file form: no §2 form applies (test/checks/host/etcdContainerLog.test.ts reads real lines)",
  },
  'host.aws-cni-log': {
    none: "tail of ipamd.log's JSON lines: no §2 form applies (test/checks/host/awsCniLog.test.ts reads real lines)",
  },
  'host.listening-ports': { none: 'ss -ltnp: no §2 form applies' },
  'network.tcp-connect': { none: 'a TCP connect from the node: no §2 form applies' },
};

const hostChecks = checks.filter((c) => c.layer === 'host') as unknown as HostCheck<{ node: string }, string>[];
const now = new Date('2026-12-06T15:20:16Z');

function parse(id: string, name: string): CheckResult {
  const check = hostChecks.find((c) => c.id === id);
  if (!check) throw new Error(`no host check ${id}`);
  return check.parse(fixture(name), check.params.parse({ node: 'worker-1' }), now);
}

describe('§2 forms: every host check, every form of its evidence', () => {
  it('every host check in the registry has a row here (forms, or why none apply)', () => {
    expect(Object.keys(table).sort()).toEqual(hostChecks.map((c) => c.id).sort());
  });

  const withForms = Object.entries(table).flatMap(([id, e]) => ('rows' in e ? [[id, e] as const] : []));

  it.each(withForms)('%s has a fixture of each form of its families', (_id, e) => {
    const covered = new Set(e.rows.map((r) => r.form));
    const missing = e.families.flatMap((f) => families[f].filter((form) => !covered.has(form)));
    expect(missing).toEqual([]);
    // Rows may also show a neighbouring family's form pasted instead (top where ps was asked).
    const allowed = new Set<string>(Object.values(families).flatMap((f) => [...f]));
    expect(e.rows.map((r) => r.form).filter((f) => !allowed.has(f))).toEqual([]);
  });

  const rows = withForms.flatMap(([id, e]) => e.rows.map((r) => [id, r.form, r.fixture, r] as const));
  it.each(rows)('%s reads %s (%s)', (id, _form, name, row) => {
    const f = fixture(name);
    expect(f.source).toMatch(/github\.com|captured on the plumbline dev machine|killercoda/);
    const r = parse(id, name);
    expect(r.outcome).toBe(row.outcome);
    if (row.facts) expect(r.facts).toMatchObject(row.facts);
    if (r.outcome === 'error') {
      // A tool's own failure is a reading; anything else is named for what it is, never refused.
      if (row.errorKind) expect(r.facts.errorKind).toBe(row.errorKind);
      else expect(r.summary).toMatch(/^this is /);
    }
    expect(r.summary).not.toMatch(
      /not \/proc\/stat|printed no names|printed no unit state|neither systemctl show nor systemctl status/,
    );
  });

  it('the systemd forms span systemd 219 to 255', () => {
    const versions = withForms.flatMap(([, e]) => e.rows.map((r) => r.systemd ?? 0)).filter((v) => v > 0);
    expect(Math.min(...versions)).toBeLessThanOrEqual(219);
    expect(Math.max(...versions)).toBeGreaterThanOrEqual(255);
  });
});

describe('manual access: a neighbouring command pasted is read or named, never refused', () => {
  // What the user pastes at the prompt, whatever the check asked for.
  const pasting = (name: string) => {
    const f = fixture(name);
    return createManualAccess({ prompt: () => Promise.resolve({ output: `${f.stdout}${f.stderr}` }) });
  };

  it.each([
    // check, what it asks, what is pasted instead, outcome, summary
    ['host.cpu-steal', 'top-rke2-t3a-steal', 'high-steal', /^this is `top` output; it shows 65\.9% steal/],
    ['host.cpu-steal', 'mpstat-dev-machine', 'normal', /^this is `mpstat` output; it shows 0% steal/],
    ['host.cpu-steal', 'sar-u-ampm-kvm', 'normal', /^this is `sar` output; it shows 0\.01% steal/],
    ['host.cpu-steal', 'vmstat-exawatcher-time', 'normal', /^this is `vmstat` output/],
    ['host.cpu-steal', 'pidstat-runc-standin', 'error', /^this is `pidstat` output/],
    ['host.runc-lingering', 'ps-aux-runc-standin', 'lingering', /runc processes older than 60s/],
    ['host.runc-lingering', 'ps-ef-runc-standin', 'lingering', /runc processes older than 60s/],
    ['host.runc-lingering', 'top-bn2-runc-standin', 'error', /^this is `top` output/],
    [
      'host.kubelet-service',
      'systemctl-status-kubelet-centos7-auto-restart',
      'restart-loop',
      /^this is `systemctl status` output: kubelet service is crash-looping/,
    ],
    [
      'host.kubelet-service',
      'systemctl-show-kubelet-head-restarting-kata-3654',
      'restart-loop',
      /^this is the head of a full `systemctl show`/,
    ],
    [
      'host.front-proxy',
      'systemctl-status-nginx-failed-avideo-9819',
      'failed',
      /^this is `systemctl status` output: nginx is failed/,
    ],
    [
      'host.control-plane-services',
      'systemctl-status-control-plane-not-found-3326',
      'none',
      /^this is `systemctl status` output/,
    ],
    ['host.kubelet-journal', 'journal-45419-cat', 'pleg-unhealthy', /PLEG is not healthy/],
    ['host.kubelet-journal', 'journal-syslog-rook-7171', 'runtime-timeout', /runtime does not answer/],
    ['host.systemd-dbus', 'gdbus-ping-timeout', 'timeout', /did not answer a D-Bus Ping/],
    ['host.systemd-dbus', 'kubectl-events-dbus-closed-100328', 'error', /^this is a kubelet or runC error/],
    ['host.dbus-names', 'gdbus-listnames', 'answering', /^this is `gdbus` ListNames output/],
    ['host.time-sync', 'timedatectl-status-old-not-synced-deis-3634', 'no-time-service', /no NTP service is enabled/],
  ])('%s, given %s, says %s', async (id, name, outcome, summary) => {
    const r = await runHostCheck(id, { node: 'worker-1' }, pasting(name));
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toMatch(summary);
  });
});
