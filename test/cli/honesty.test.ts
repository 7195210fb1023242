import { mkdtempSync } from 'node:fs';
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
