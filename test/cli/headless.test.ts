import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'plumbline-cli-'));

describe('plumbline drill --non-interactive --output json (the built CLI)', () => {
  it('ends unrecognised-evidence (exit 0) on a real case no step and no signature knows, listing what it saw', async () => {
    const transcript = join(tmp(), 't.jsonl');
    const r = await runCli([
      'drill',
      'real/rl-sched-service-affinity-origin',
      '--non-interactive',
      '--output',
      'json',
      '--transcript',
      transcript,
    ]);
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout) as {
      outcome: string;
      diagnosis: unknown;
      anomalies: { layer: string; source: string; line: string }[];
      lookNext: string[];
    };
    expect(out.outcome).toBe('unrecognised-evidence');
    expect(out.diagnosis).toBeNull();
    expect(out.anomalies[0]).toMatchObject({
      layer: 'pod',
      source: 'Warning event on pod default/api-2',
      line: 'FailedScheduling: 0/3 nodes are available: 1 ExistingPodsAntiAffinityRulesNotMatch, 1 MatchInterPodAffinity, 2 CheckServiceAffinity.',
    });
    expect(out.lookNext[0]).toBe(
      'Read Warning event on pod default/api-2 in full around the lines above (the first is the worst seen).',
    );
    // The transcript's last line says the same, for report and replay.
    const last = JSON.parse(readFileSync(transcript, 'utf8').trim().split('\n').at(-1) ?? '{}') as {
      type: string;
      outcome: string;
      anomalies?: unknown[];
    };
    expect(last).toMatchObject({ type: 'session.end', outcome: 'unrecognised-evidence' });
    expect(last.anomalies).toHaveLength(1);
  });

  it('names the cause from a signature instead of a generic ending, quoting the line (real eviction case)', async () => {
    const r = await runCli([
      'drill',
      'real/rl-evicted-ephemeral-storage-91600',
      '--non-interactive',
      '--output',
      'json',
      '--transcript',
      join(tmp(), 't.jsonl'),
    ]);
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout) as {
      outcome: string;
      diagnosis: { id: string; chain: string[]; signature: { replaced: string | null; source: string } };
    };
    expect(out.outcome).toBe('diagnosis');
    expect(out.diagnosis.id).toBe('evicted-ephemeral-storage');
    expect(out.diagnosis.signature).toMatchObject({
      replaced: 'pod-failed',
      source: 'https://github.com/kubernetes/kubernetes/issues/91600',
    });
    expect(out.diagnosis.chain[0]).toBe(
      'Seen: status of pod ebaogi/ebaogi-bff-app-955968dbb-x7k2p: "Evicted: The node was low on resource: ephemeral-storage. Container ebaogi-bff-app was using 34260Ki, which exceeds its request of 0. "',
    );
  });

  it('walks the default scenario to unschedulable-node-selector and prints the contract', async () => {
    const transcript = join(tmp(), 't.jsonl');
    const r = await runCli([
      'drill',
      'pod-pending-node-selector',
      '--non-interactive',
      '--output',
      'json',
      '--transcript',
      transcript,
    ]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    // DESIGN.md's object, plus `api`: what the walk cost the API server; anomalies and lookNext say what an unrecognised-evidence walk saw; catalogError, a signature catalog that did not load.
    expect(Object.keys(out)).toEqual([
      'runbook',
      'mode',
      'scenario',
      'outcome',
      'diagnosis',
      'path',
      'unseen',
      'seen',
      'unconfirmed',
      'defaultsUsed',
      'anomalies',
      'lookNext',
      'candidates',
      'catalogError',
      'transcript',
      'api',
    ]);
    const api = out.api as { requests: number; bytes: number };
    expect(api.requests).toBeGreaterThan(0);
    expect(api.bytes).toBeGreaterThan(0);
    expect(out.runbook).toBe('workload-down');
    expect(out.mode).toBe('drill');
    expect(out.scenario).toBe('pod-pending-node-selector');
    expect(out.outcome).toBe('diagnosis');
    expect(out.transcript).toBe(transcript);
    const d = out.diagnosis as { id: string; title: string; layer: string; chain: string[]; fix: string[] };
    expect(d.id).toBe('unschedulable-node-selector');
    expect(d.layer).toBe('pod');
    expect(d.title).toBe("No node matches the pod's node selector (disktype=ssd)");
    expect(d.chain[1]).toBe(
      "The scheduler found 3 of 4 nodes that do not match: 0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
    );
    expect(d.fix).toContain(
      'If a node should run it, give that node the labels the pod selects (disktype=ssd): set NODE to its name (kubectl get nodes), then kubectl label node "$NODE" disktype=ssd',
    );
    // kubectl's own kind/name for the controller the pod names; never a <placeholder> to fill.
    expect(d.fix[1]).toBe(
      "If the selector is wrong, correct it in the pod's controller (StatefulSet/web): kubectl -n shop edit statefulset/web",
    );
    const path = out.path as {
      step: string;
      check: string | null;
      outcome: string;
      phase: string;
      durationMs: number;
    }[];
    expect(path.map((p) => [p.step, p.check, p.outcome, p.phase])).toEqual([
      ['pod-status', 'pod.status', 'unscheduled', 'top-down'],
      ['pod-scheduling', 'pod.scheduling', 'node-selector', 'top-down'],
    ]);
    for (const p of path) expect(p.durationMs).toBeGreaterThanOrEqual(0);

    // The transcript: one JSON event per line, in order, 0600.
    expect(statSync(transcript).mode & 0o777).toBe(0o600);
    const events = readFileSync(transcript, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; type: string; v: number; t: string });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.every((e) => e.v === 1 && !Number.isNaN(Date.parse(e.t)))).toBe(true);
    expect(events.map((e) => e.type)).toEqual([
      'session.start',
      'step.enter',
      'check.start',
      'check.result',
      'step.enter',
      'check.start',
      'check.result',
      'step.enter',
      'diagnosis',
      'session.end',
    ]);
  });

  it('prints a readable walk as text', async () => {
    const r = await runCli(['drill', '--non-interactive', '--transcript', join(tmp(), 't.jsonl')]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('$ kubectl get pod web-0 -n shop -o wide');
    expect(r.stdout).toContain('→ unscheduled: pod is Pending and not scheduled to any node (Unschedulable)');
    expect(r.stdout).toContain('DIAGNOSIS [pod] unschedulable-node-selector');
    expect(r.stdout).toMatch(/transcript: .*t\.jsonl/);
  });
});

describe('bad input and unreachable clusters', () => {
  it('exits 2 with one line for an unknown runbook', async () => {
    const r = await runCli(['run', 'no-such-runbook', '--set', 'pod=x', '--non-interactive']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(
      'plumbline: no runbook named "no-such-runbook": known runbooks are cloudpods-host-offline, control-plane-slow, dns-not-resolving, downstream-cluster-unreachable, node-not-ready, service-unreachable, workload-down; or give a path to a YAML file',
    );
  });

  it('exits 2 for a mistyped scenario and suggests the one meant', async () => {
    const r = await runCli(['drill', 'pod-pending-node-selecter', '--non-interactive']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^plumbline: no scenario named "pod-pending-node-selecter": did you mean pod-pending-node-selector\? plumbline list scenarios shows all \d+; or give a path to a YAML file$/,
    );
  });

  it('exits 2 naming the path for a runbook file that does not exist', async () => {
    const r = await runCli(['run', './no/such/runbook.yaml', '--set', 'pod=x', '--non-interactive']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(/\/no\/such\/runbook\.yaml:1:1: no such file$/);
  });

  it('exits 2 and names file, line and column for an invalid runbook', async () => {
    const dir = tmp();
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'id: bad\ntitle: Bad\nsymptom: s\nstart: a\nsteps:\n  a:\n    type: check\n    layer: pod\n    why: w\n    check: pod.nope\n    next: {}\n',
    );
    const r = await runCli(['lint', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain(`${file}:10:5: step "a": unknown check "pod.nope"`);
  });

  it('exits 2 for a kubeconfig that does not exist or has no current context', async () => {
    const missing = await runCli([
      'run',
      'workload-down',
      '--set',
      'pod=x',
      '--kubeconfig',
      '/nonexistent/kubeconfig',
      '--non-interactive',
    ]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe('plumbline: kubeconfig /nonexistent/kubeconfig: no such file\n');
    const file = join(tmp(), 'kubeconfig');
    writeFileSync(file, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    const noContext = await runCli([
      'run',
      'workload-down',
      '--set',
      'pod=x',
      '--kubeconfig',
      file,
      '--non-interactive',
    ]);
    expect(noContext.exitCode).toBe(2);
    expect(noContext.stderr).toBe(
      `plumbline: ${file} has no current context; pass --context or run kubectl config use-context\n`,
    );
  });

  it('exits 3 with one line when the cluster does not answer', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const addr = s.address();
        s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    const file = join(tmp(), 'kubeconfig');
    writeFileSync(
      file,
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: ctx, context: {cluster: c, user: u}}]\ncurrent-context: ctx\n`,
    );
    const r = await runCli([
      'run',
      'workload-down',
      '-n',
      'shop',
      '--set',
      'pod=web-0',
      '--kubeconfig',
      file,
      '--non-interactive',
      '--output',
      'json',
    ]);
    expect(r.exitCode).toBe(3);
    // The walk's object all the same (test/cli/firstProbe.test.ts has every other way a first request fails).
    expect(JSON.parse(r.stdout)).toMatchObject({
      outcome: 'incomplete',
      diagnosis: null,
      unseen: [{ step: 'connect', errorKind: 'unreachable' }],
    });
    expect(r.stderr).toBe(
      `plumbline: unreachable: cannot reach the API server at http://127.0.0.1:${port}: connection refused: nothing listens at that address and port (ECONNREFUSED)\n`,
    );
  });

  it('exits 2 for a missing required input, naming it', async () => {
    const r = await runCli(['run', 'workload-down', '--non-interactive']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      'plumbline: runbook workload-down needs its pod (name of the pod that is not working): plumbline run workload-down <pod> (see plumbline run --help)\n',
    );
  });

  it('prints --version and --help without loading the heavy modules', async () => {
    const v = await runCli(['--version']);
    expect(v).toEqual({ stdout: '0.1.0\n', stderr: '', exitCode: 0 });
    const h = await runCli(['--help']);
    expect(h.stdout).toMatch(/^ {2}run <runbook> \[input\] +walk a runbook/m);
  });
});

describe('lists', () => {
  it('lists the bundled scenarios as JSON with what each expects', async () => {
    const r = await runCli(['list', 'scenarios', '--output', 'json']);
    expect(r.exitCode).toBe(0);
    const rows = JSON.parse(r.stdout) as { id: string; expect: string | null; runbook: string }[];
    expect(rows).toContainEqual(
      expect.objectContaining({
        id: 'pod-pending-node-selector',
        expect: 'unschedulable-node-selector',
        runbook: 'workload-down',
      }),
    );
    expect(rows).toContainEqual(expect.objectContaining({ id: 'scale-5000-nodes', expect: null }));
  });
});
