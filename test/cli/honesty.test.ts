import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { runCli } from '../helpers/cli.js';

const transcript = () => join(mkdtempSync(join(tmpdir(), 'plumbline-honest-')), 't.jsonl');

describe('a walk whose checks could not look ends incomplete (the built CLI)', () => {
  it('a host check that cannot reach the node is not "the machine is down": exit 3, what was seen, what was not and how to see it', async () => {
    const r = await runCli([
      'drill',
      'nn-node-unreachable',
      '--non-interactive',
      '--output',
      'json',
      '--transcript',
      transcript(),
    ]);
    expect(r.exitCode).toBe(3);
    const out = JSON.parse(r.stdout) as {
      outcome: string;
      diagnosis: unknown;
      unseen: { step: string; check: string; errorKind: string | null; command: string; node: string | null }[];
      seen: { check: string; outcome: string }[];
    };
    expect(out.outcome).toBe('incomplete');
    expect(out.diagnosis).toBeNull();
    expect(out.unseen[0]).toEqual(
      expect.objectContaining({
        step: 'kubelet-service',
        check: 'host.kubelet-service',
        errorKind: 'unreachable',
        node: 'worker-4',
        command: expect.stringContaining('systemctl show kubelet') as string,
      }),
    );
    expect(out.unseen.every((u) => u.errorKind === 'unreachable' && u.node === 'worker-4')).toBe(true);
    expect(out.seen.map((s) => [s.check, s.outcome])).toContainEqual(['node.heartbeat-lease', 'stale']);
  });

  it('says so in text', async () => {
    const r = await runCli([
      'drill',
      'nn-node-unreachable',
      '--non-interactive',
      '--output',
      'text',
      '--transcript',
      transcript(),
    ]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toContain('end: incomplete');
    expect(r.stdout).toContain(
      '  could not see:\n    - Is the kubelet service running? (host.kubelet-service: not run (unreachable):',
    );
    expect(r.stdout).toContain('      to see it on worker-4: systemctl show kubelet');
    expect(r.stdout).not.toContain('Is the machine up?');
  });
});

describe('a namespace that does not exist is found first (the built CLI)', () => {
  it('stops before any step with exit 2 and the nearest names', async () => {
    const t = transcript();
    const r = await runCli([
      'drill',
      'pod-pending-node-selector',
      '-n',
      'shpo',
      '--non-interactive',
      '--output',
      'json',
      '--transcript',
      t,
    ]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'plumbline: namespace "shpo" does not exist in context plumbline-drill: did you mean shop?',
    );
  });
});

describe('a pod that does not exist is found first (the built CLI)', () => {
  it('stops before any step with exit 2 and the pods of that namespace with near names, no sweep', async () => {
    const t = transcript();
    const r = await runCli([
      'drill',
      'pod-pending-node-selector',
      '--set',
      'pod=web-9',
      '--non-interactive',
      '--output',
      'json',
      '--transcript',
      t,
    ]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'plumbline: pod "web-9" does not exist in namespace shop (context plumbline-drill): did you mean web-0?',
    );
    expect(r.stderr).toContain(
      'kubectl get pods -n shop lists them; if a controller should create it, name it with --set deployment=<name>',
    );
  });

  it('walks on when the run names the Deployment that should create it (its creates may be refused)', async () => {
    const r = await runCli([
      'drill',
      'admission-webhook-failing',
      '--non-interactive',
      '--output',
      'json',
      '--transcript',
      transcript(),
    ]);
    expect(r.exitCode).toBe(0);
    expect((JSON.parse(r.stdout) as { diagnosis?: { id?: string } }).diagnosis?.id).toBe('admission-webhook-failing');
  });
});

describe('an expired serving certificate stops the walk before any step (the built CLI, real kubectl)', () => {
  it('exits 3 naming the expired certificate and how to read its dates; kubectl fails the same way', async () => {
    const r = await runCli([
      'drill',
      'real/rc-apiserver-serving-cert-expired-119',
      '--non-interactive',
      '--output',
      'text',
      '--transcript',
      transcript(),
    ]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(
      /presented an expired certificate \(or this machine's clock is wrong\) \(CERT_HAS_EXPIRED/,
    );
    expect(r.stderr).toContain(
      'openssl x509 -noout -dates; on a kubeadm control plane, kubeadm certs check-expiration',
    );
    const { loadScenarioFile } = await import('../../src/drill/scenario.js');
    const { startDrill } = await import('../../src/drill/cluster.js');
    const drill = await startDrill(
      (await loadScenarioFile('scenarios/real/rc-apiserver-serving-cert-expired-119.yaml')).scenario,
    );
    try {
      const k = await execa('kubectl', ['--kubeconfig', drill.kubeconfigPath, 'get', 'pods'], { reject: false });
      expect(k.exitCode).toBe(1);
      expect(k.stderr).toMatch(/x509: certificate has expired or is not yet valid: current time \S+ is after \S+/);
    } finally {
      await drill.close();
    }
  });
});

describe('a walk through a default answer says so (the built CLI)', () => {
  it('names the default in JSON (defaultsUsed, answeredBy) and in text, and the default asserts nothing', async () => {
    const r = await runCli([
      'drill',
      'wd2-apiserver-not-ready',
      '--non-interactive',
      '--output',
      'json',
      '--transcript',
      transcript(),
    ]);
    const out = JSON.parse(r.stdout) as {
      defaultsUsed: { step: string; choice: string; label: string }[];
      path: { step: string; answeredBy?: string }[];
    };
    expect(out.defaultsUsed).toContainEqual({
      step: 'ask-pod-expected',
      choice: 'not-known',
      label: 'Not known: look for a controller whose creates are refused',
    });
    expect(out.path.find((p) => p.step === 'ask-pod-expected')?.answeredBy).toBe('default');
    const text = await runCli([
      'drill',
      'wd2-apiserver-not-ready',
      '--non-interactive',
      '--output',
      'text',
      '--transcript',
      transcript(),
    ]);
    expect(text.stdout).toContain(
      '  answered by default (nobody said so):\n    - ask-pod-expected: Not known: look for a controller whose creates are refused',
    );
  });
});

// kubernetes#61117: the kubelet's journal shows PLEG lines, but the node's other host commands were never collected.
describe('an incomplete walk reads what it saw against the catalog (the built CLI)', () => {
  const pleg = 'real/rn-pleg-alone-61117';

  it('says the matching signature as possible, not the diagnosis, beside what it could not see', async () => {
    const t = transcript();
    const r = await runCli(['drill', pleg, '--non-interactive', '--output', 'text', '--transcript', t]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toContain('end: incomplete');
    expect(r.stdout).not.toContain('DIAGNOSIS');
    expect(r.stdout).toContain(
      "  seen, and may explain it (not confirmed: the walk is incomplete):\n    - [host] The kubelet's pod lifecycle loop (PLEG) is stuck: the container runtime does not answer in time (signature pleg-not-healthy)\n        host.kubelet-journal on vk-prod4-node-v18-w3fz: Mar 13 16:02:43 vk-prod4-node-v18-w3fz kubelet[1450]: I0313 16:02:43.934473    1450 kubelet.go:1778] skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m5.30015447s ago; threshold is 3m0s]\n",
    );
    expect(r.stdout).toContain('  could not see:\n');
    expect(r.stdout).toContain(
      '  look next:\n    - See what the walk could not (each with its command above), then walk again: only a complete walk confirms a cause or rules it out.\n    - Compare with where pleg-not-healthy was learned: https://github.com/kubernetes/kubernetes/issues/61117\n',
    );
    // The transcript keeps them; the report says them under "Not reached", never as a root cause.
    const end = JSON.parse(readFileSync(t, 'utf8').trim().split('\n').at(-1) ?? '{}') as {
      type: string;
      outcome: string;
      candidates?: { id: string }[];
    };
    expect(end).toMatchObject({ type: 'session.end', outcome: 'incomplete' });
    expect(end.candidates?.map((c) => c.id)).toEqual(['pleg-not-healthy']);
    const report = await runCli(['report', t]);
    expect(report.stdout).toContain('Seen, and may explain it (not confirmed: the walk is incomplete):');
    expect(report.stdout).toMatch(/^- \[host\] The kubelet's pod lifecycle loop \(PLEG\) is stuck.*pleg-not-healthy/m);
  });

  it('--output json: outcome incomplete, no diagnosis, the signature under candidates', async () => {
    const r = await runCli(['drill', pleg, '-o', 'json', '--transcript', transcript()]);
    expect(r.exitCode).toBe(3);
    const out = JSON.parse(r.stdout) as {
      outcome: string;
      diagnosis: unknown;
      candidates: { id: string; layer: string; source: string; evidence: { source: string; line: string }[] }[];
      lookNext: string[];
    };
    expect(out.outcome).toBe('incomplete');
    expect(out.diagnosis).toBeNull();
    expect(out.candidates).toHaveLength(1);
    expect(out.candidates[0]).toMatchObject({
      id: 'pleg-not-healthy',
      layer: 'host',
      source: 'https://github.com/kubernetes/kubernetes/issues/61117',
    });
    expect(out.candidates[0]?.evidence[0]?.line).toContain('PLEG is not healthy: pleg was last seen active 3m5.3');
    expect(out.lookNext[0]).toContain('only a complete walk confirms a cause or rules it out');
  });

  it('names none when nothing it saw matches (the node could not be reached at all)', async () => {
    const r = await runCli(['drill', 'nn-node-unreachable', '-o', 'json', '--transcript', transcript()]);
    const out = JSON.parse(r.stdout) as { outcome: string; candidates: unknown[]; lookNext: string[] };
    expect(out.outcome).toBe('incomplete');
    expect(out.candidates).toEqual([]);
    expect(out.lookNext).toEqual([]);
  });
});
