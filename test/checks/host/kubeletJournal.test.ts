import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kubeletJournal, parseKubeletJournal } from '../../../src/checks/host/kubeletJournal.js';
import { parseGoDuration as goDurationSeconds } from '../../../src/kube/semantics/duration.js';
import { fixture } from './fixtures.js';
import { ranOutput } from './helpers.js';

const p = { node: 'worker-2', sinceMinutes: 15, maxLines: 2000 };

describe('host.kubelet-journal', () => {
  it('reads the last 15 minutes of the kubelet unit, at most 2000 lines, with ISO times', () => {
    expect(kubeletJournal.command(p)).toBe('journalctl -u kubelet --since=-15m -o short-iso --no-pager -n 2000');
  });

  it.each([
    [
      'journal-config-missing',
      'config-missing',
      'its config file is missing (/var/lib/kubelet/config.yaml): 2 matching journal lines',
      { kubeletConfigPath: '/var/lib/kubelet/config.yaml', kubeletRestartCounter: 412, configMissingLines: 2 },
    ],
    [
      'journal-config-missing-old-kubelet',
      'config-missing',
      'config file is missing',
      { kubeletConfigPath: '/var/lib/kubelet/config.yaml' },
    ],
    ['journal-pleg', 'pleg-unhealthy', 'PLEG', { plegLastSeenSeconds: 200, plegUnhealthyLines: 5 }],
    [
      'journal-runtime-refused',
      'runtime-unreachable',
      '(/run/containerd/containerd.sock)',
      { runtimeSocket: '/run/containerd/containerd.sock', runtimeUnreachableLines: 3, plegUnhealthyLines: 1 },
    ],
    ['journal-certificate-expired', 'certificate', 'certificate is expired', { certificateLines: 2 }],
    ['journal-eviction', 'eviction', 'evicting pods', { evictionResource: 'ephemeral-storage', evictionLines: 3 }],
    ['journal-quiet', 'quiet', 'no known kubelet failure', { kubeletJournalLines: 3, kubeletErrorLines: 1 }],
    ['journal-no-entries', 'quiet', 'no kubelet lines in the last 15m', { kubeletJournalLines: 0 }],
    ['journalctl-no-journal', 'quiet', 'this host keeps no systemd journal', { kubeletJournalLines: 0 }],
  ])('%s → %s', (name, outcome, words, facts) => {
    const r = parseKubeletJournal(fixture(name), p);
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toContain(words);
    expect(r.facts).toMatchObject({ kubeletJournalFinding: outcome, ...facts });
  });

  it('a kubelet that exits on an error of its own (an unknown flag) is not quiet: it exits on error, with its last words', () => {
    const r = parseKubeletJournal(fixture('journal-unknown-flag'), p);
    expect(r.outcome).toBe('exits-on-error');
    expect(r.summary).toBe(
      'the kubelet exits at start on an error no known class names (code=exited, status=1/FAILURE): "command failed" err="failed to parse kubelet flag: unknown flag: --container-runtime"',
    );
    expect(r.evidence).toContainEqual({
      label: 'last error',
      value: '"command failed" err="failed to parse kubelet flag: unknown flag: --container-runtime"',
    });
    expect(r.facts).toMatchObject({ kubeletRestartCounter: 7, kubeletLastExit: 'code=exited, status=1/FAILURE' });
  });

  it('a running kubelet with an error line is quiet and says nothing of an exit', () => {
    const r = parseKubeletJournal(fixture('journal-quiet'), p);
    expect(r.summary).toBe('no known kubelet failure in its journal (3 lines in the last 15m, 1 error line)');
    expect(r.facts.kubeletLastExit).toBeUndefined();
    expect(r.evidence.find((e) => e.label === 'last error')?.value).toMatch(/^"Error syncing pod, skipping"/);
  });

  it("names a line with no severity letter that reads as a failure instead of counting it as no error (kubernetes#117846's OpenVZ kubelet)", () => {
    // The thread's one kubelet line, its klog header cut off: no E or F to count it by.
    const text = readFileSync(
      new URL('../../../scenarios/real/raw/ro-openvz-kubelet-proc-sysctl-117846/kubelet-journal.txt', import.meta.url),
      'utf8',
    );
    const r = parseKubeletJournal(ranOutput(text), p);
    expect(r.outcome).toBe('quiet');
    expect(r.summary).toContain(
      '0 error lines, and 1 with no severity that reads as a failure: kubelet.go:1480] "Failed to start ContainerManager" err="open /proc/sys/kernel/panic: permission denied"',
    );
    expect(r.facts.kubeletUnmarkedFailureLines).toBe(1);
    // systemd's own lines about the unit are not the kubelet's failures.
    const unit = parseKubeletJournal(
      ranOutput(
        "kubelet.service: Main process exited, code=exited, status=1/FAILURE\nkubelet.service: Failed with result 'exit-code'.\n",
      ),
      p,
    );
    expect(unit.facts.kubeletUnmarkedFailureLines).toBe(0);
  });

  it('shows at most three matching lines, the latest last, and the counts', () => {
    const r = parseKubeletJournal(fixture('journal-pleg'), p);
    const lines = r.evidence.filter((e) => e.label === 'line' || e.label === 'latest');
    expect(lines).toHaveLength(3);
    expect(lines.at(-1)?.value).toContain('last seen active 3m20.301094771s ago');
    expect(r.evidence).toContainEqual({
      label: 'matches',
      value:
        'config-missing 0, certificate 0, runtime-unreachable 0, systemd-cgroup 0, runtime-timeout 0, pleg-unhealthy 5, apiserver-connection-lost 0, apiserver-unreachable 0, eviction 0',
    });
  });

  it('names the runtime, not PLEG, when the runtime is down: PLEG stalls because of it', () => {
    expect(parseKubeletJournal(fixture('journal-runtime-refused'), p).outcome).toBe('runtime-unreachable');
  });

  it.each([
    ['3m10.30056416s', 190.30056416],
    ['3m0s', 180],
    ['42m53.338575586s', 2573.338575586],
    ['1h2m3s', 3723],
    ['500ms', 0.5],
    ['soon', undefined],
  ])('Go duration %s = %s s', (text, seconds) => {
    const got = goDurationSeconds(text);
    if (seconds === undefined) expect(got).toBeUndefined();
    else expect(got).toBeCloseTo(seconds, 6);
  });
});
