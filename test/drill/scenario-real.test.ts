import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDrill } from '../../src/drill/cluster.js';
import type { RunningDrill } from '../../src/drill/cluster.js';
import { loadScenarioFile } from '../../src/drill/scenario.js';
import { runCheck } from '../../src/engine/runCheck.js';
import { KubeClient } from '../../src/kube/client.js';
import { loadKubeConfig } from '../../src/kube/config.js';
import { createNodeAccess } from '../../src/nodeaccess/index.js';
import { InputError } from '../../src/base/source.js';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../helpers/kubectl.js';

/** Writes files under a fresh folder (`real/...` paths make a real-corpus scenario) and returns its path. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-real-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const header = `id: case
title: a case
page: "pod web in namespace shop is not starting"
runbook: workload-down
inputs: { namespace: shop, pod: web }
`;

const source = `source:
  url: https://github.com/example/project/issues/1
  date: 2021-03-04
  platform: "Kubernetes 1.20.4 (kubeadm)"
  verbatim: "kubectl logs; systemctl status kubelet"
  frame: "one worker"
`;

async function problems(file: string): Promise<string[]> {
  try {
    await loadScenarioFile(file);
  } catch (err) {
    if (err instanceof InputError) return err.message.split('\n');
    throw err;
  }
  return [];
}

describe('scenario header: source, expect.outcome, pastedAt', () => {
  it('refuses a scenario under real/ without a source block, at file:line:col', async () => {
    const dir = folder({ 'real/case.yaml': `${header}expect: { diagnosis: null }\n` });
    expect(await problems(join(dir, 'real', 'case.yaml'))).toEqual([
      `${join(dir, 'real', 'case.yaml')}:1:1: a scenario under real/ needs a source: block (url of the thread the output was pasted in; date, platform, verbatim, frame)`,
    ]);
    // The same file anywhere else is a drill scenario, and needs none.
    const other = folder({ 'drills/case.yaml': `${header}expect: { diagnosis: null }\n` });
    expect(await problems(join(other, 'drills', 'case.yaml'))).toEqual([]);
  });

  it('checks the source block: an http(s) url, known fields only', async () => {
    const dir = folder({
      'real/case.yaml': `${header}expect: { diagnosis: null }\nsource:\n  url: github.com/x/y/issues/1\n  author: someone\n`,
    });
    const file = join(dir, 'real', 'case.yaml');
    expect(await problems(file)).toEqual([
      `${file}:8:3: source.url: url must be the http(s) address of the thread the output was pasted in`,
      `${file}:9:3: source: unknown field "author"`,
    ]);
  });

  it('expect.outcome: incomplete and no-finding need diagnosis null, diagnosis needs an id', async () => {
    const dir = folder({
      'a.yaml': `${header}expect: { diagnosis: image-not-found, outcome: incomplete }\n`,
      'b.yaml': `${header}expect: { diagnosis: null, outcome: diagnosis }\n`,
      'c.yaml': `${header}expect: { diagnosis: null, outcome: incomplete }\n`,
      'd.yaml': `${header}expect: { diagnosis: null, outcome: maybe }\n`,
    });
    expect(await problems(join(dir, 'a.yaml'))).toEqual([
      `${join(dir, 'a.yaml')}:6:39: expect.outcome: outcome incomplete needs diagnosis: null`,
    ]);
    expect(await problems(join(dir, 'b.yaml'))).toEqual([
      `${join(dir, 'b.yaml')}:6:28: expect.outcome: outcome diagnosis needs a diagnosis id`,
    ]);
    expect(await problems(join(dir, 'c.yaml'))).toEqual([]);
    expect((await problems(join(dir, 'd.yaml')))[0]).toMatch(
      /:6:28: expect\.outcome: .*"diagnosis"\|"no-finding"\|"incomplete"/,
    );
  });

  it('pastedAt must be an ISO time', async () => {
    const dir = folder({ 'a.yaml': `${header}expect: { diagnosis: null }\npastedAt: "04/03/2021 10:22"\n` });
    expect(await problems(join(dir, 'a.yaml'))).toEqual([
      `${join(dir, 'a.yaml')}:7:1: pastedAt: write an ISO time, e.g. 2021-03-04T10:22:13Z`,
    ]);
  });

  it('a host response that was not collected carries nothing else', async () => {
    const dir = folder({
      'a.yaml': `${header}expect: { diagnosis: null }\nhosts:\n  worker-1:\n    "uptime": { notCollected: true, stdout: "up" }\n`,
    });
    expect(await problems(join(dir, 'a.yaml'))).toEqual([
      `${join(dir, 'a.yaml')}:9:17: hosts.worker-1.uptime.notCollected: a response that was not collected has no stdout, file, stderr or exitCode`,
    ]);
  });
});

const podYaml = `apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop, creationTimestamp: "2021-03-04T10:00:00Z" }
spec:
  nodeName: worker-1
  containers: [{ name: web, image: "nginx:1.19" }]
status:
  phase: Running
  hostIP: 10.0.0.11
  containerStatuses:
    - name: web
      ready: true
      restartCount: 1
      image: "nginx:1.19"
      imageID: ""
      state: { running: { startedAt: "2021-03-04T10:20:00Z" } }
      lastState: { terminated: { exitCode: 1, reason: Error, startedAt: "2021-03-04T10:10:00Z", finishedAt: "2021-03-04T10:19:58Z" } }
`;

describe('a scenario with source: what was not pasted answers "not collected"', () => {
  let drill: RunningDrill;
  let kube: KubeClient;
  const now = new Date('2026-01-10T12:00:00Z');

  beforeAll(async () => {
    const dir = folder({
      'real/case.yaml': `${header}expect: { diagnosis: null }
${source}pastedAt: "2021-03-04T10:22:13Z"
cluster:
  nodes: [{ name: worker-1 }, { name: worker-2, ready: "False" }]
objectFiles: [raw/case/pod.yaml]
logFiles:
  - { namespace: shop, pod: web, container: web, previous: true, file: raw/case/previous.log }
hosts:
  worker-1:
    "systemctl status kubelet": { file: raw/case/status.txt, exitCode: 3 }
    "uptime": { notCollected: true }
  never-joined:
    "journalctl -u rke2-server": { stdout: "rke2-server.service: Failed with result exit-code." }
`,
      'real/raw/case/pod.yaml': podYaml,
      'real/raw/case/previous.log':
        '2021/03/04 10:19:58 [emerg] 1#1: host not found in upstream "backend" in /etc/nginx/conf.d/default.conf:3\n',
      'real/raw/case/status.txt':
        '● kubelet.service - kubelet: The Kubernetes Node Agent\n   Active: activating (auto-restart) (Result: exit-code) since Thu 2021-03-04 10:22:01 UTC; 12s ago\n',
    });
    const { scenario } = await loadScenarioFile(join(dir, 'real', 'case.yaml'));
    drill = await startDrill(scenario, { now, clock: () => now });
    kube = await KubeClient.create(await loadKubeConfig({ kubeconfig: drill.kubeconfigPath }));
  });
  afterAll(async () => drill.close());

  const run = (check: string, params: Record<string, string>) =>
    runCheck(
      { step: check, check, with: params, timeoutMs: 5000, inputs: {}, facts: {}, phase: 'top-down' },
      AbortSignal.timeout(5000),
      {
        kube,
        nodes: createNodeAccess('drill', { hosts: drill.hosts }),
        now: () => now,
        onStart: () => undefined,
      },
    );

  it('a host check whose command was not pasted ends in error, through the drill node access', async () => {
    const out = await run('host.kubelet-service', { node: 'worker-1' });
    expect(out.outcome).toBe('error');
    expect(out.facts.errorKind).toBe('not-collected');
    expect(out.summary).toMatch(
      /^not run \(not-collected\): not collected in this scenario: systemctl show kubelet -p \S+ on worker-1$/,
    );
  });

  it('the drill node access: a given answer is served (times moved), a missing or marked one is not collected', async () => {
    const nodes = createNodeAccess('drill', { hosts: drill.hosts });
    const opts = { timeoutMs: 1000, signal: AbortSignal.timeout(1000) };
    const given = await nodes.run('worker-1', ['systemctl', 'status', 'kubelet'], opts);
    expect(given.exitCode).toBe(3);
    expect(given.stdout).toContain('since Sat 2026-01-10 11:59:48 UTC; 12s ago');
    await expect(nodes.run('worker-1', ['uptime'], opts)).rejects.toMatchObject({
      kind: 'not-collected',
      message: 'not collected in this scenario: uptime on worker-1',
    });
    await expect(nodes.run('worker-1', ['df', '-h'], opts)).rejects.toMatchObject({ kind: 'not-collected' });
    // A name the cluster does not have is still no host at all.
    await expect(nodes.run('worker-9', ['uptime'], opts)).rejects.toMatchObject({ kind: 'unreachable' });
  });

  it('a machine with no Node object answers what was pasted, and "not collected" to the rest (not "command not found")', async () => {
    const nodes = createNodeAccess('drill', { hosts: drill.hosts });
    const opts = { timeoutMs: 1000, signal: AbortSignal.timeout(1000) };
    expect((await nodes.run('never-joined', ['journalctl', '-u', 'rke2-server'], opts)).stdout).toContain('exit-code');
    await expect(nodes.run('never-joined', ['journalctl', '-u', 'kubelet'], opts)).rejects.toMatchObject({
      kind: 'not-collected',
    });
  });

  it("a NotReady node whose condition message was not pasted has none, not a kubelet's reason nobody saw", async () => {
    const ready = (await kube.readNode('worker-2')).status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'KubeletNotReady', message: '' });
  });

  it('logs: a pasted log is served with its times moved; one not pasted is the 500 of a kubelet out of reach', async () => {
    const config = new KubeConfig();
    config.loadFromFile(drill.kubeconfigPath);
    const core = config.makeApiClient(CoreV1Api);
    const previous = await core.readNamespacedPodLog({
      namespace: 'shop',
      name: 'web',
      container: 'web',
      previous: true,
    });
    expect(previous).toBe(
      '2026/01/10 11:57:45 [emerg] 1#1: host not found in upstream "backend" in /etc/nginx/conf.d/default.conf:3\n',
    );
    const err = (await core
      .readNamespacedPodLog({ namespace: 'shop', name: 'web', container: 'web' })
      .catch((e: unknown) => e)) as { code: number; body: string };
    expect(err.code).toBe(500);
    expect(JSON.parse(err.body)).toMatchObject({
      kind: 'Status',
      code: 500,
      message:
        'Get "https://10.0.0.11:10250/containerLogs/shop/web/web": not collected in this scenario: the log of container web was not pasted',
    });
  });

  it('kubectl logs prints the refusal as a real cluster does', async () => {
    if (!kubectlAvailable()) return warnIfKubectlMissing('not-collected logs');
    const r = await runKubectl(drill.kubeconfigPath, ['logs', 'web', '-n', 'shop']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server: Get "https://10.0.0.11:10250/containerLogs/shop/web/web": not collected in this scenario: the log of container web was not pasted',
    );
  });

  it('a check reading the logs ends in error, not "no log lines"', async () => {
    const out = await run('pod.logs', { namespace: 'shop', name: 'web' });
    expect(out.outcome).toBe('error');
    expect(out.summary).toContain('not collected in this scenario');
    // Pasted output missing, like a host command: "no finding" stays possible, the log is listed as not seen.
    expect(out.facts.errorKind).toBe('not-collected');
    expect(out.summary).toMatch(/^not run \(not-collected\): /);
  });

  it('objects keep their times, moved so that pastedAt is now; the node written in cluster.nodes is served', async () => {
    const pod = await kube.readPod('shop', 'web');
    expect(pod.metadata?.creationTimestamp?.toISOString()).toBe('2026-01-10T11:37:47.000Z');
    expect(pod.status?.containerStatuses?.[0]?.lastState?.terminated?.finishedAt?.toISOString()).toBe(
      '2026-01-10T11:57:45.000Z',
    );
    const node = await kube.readNode('worker-1');
    expect(node.metadata?.name).toBe('worker-1');
  });
});

describe('notCollected: the same answers in a drill scenario that asks for them', () => {
  it('hosts and logs, each on its own', async () => {
    const dir = folder({
      'a.yaml': `${header}expect: { diagnosis: null }
notCollected: { hosts: true }
cluster:
  nodes: [{ name: worker-1 }]
objectFiles: [pod.yaml]
`,
      'pod.yaml': podYaml,
    });
    const { scenario } = await loadScenarioFile(join(dir, 'a.yaml'));
    const now = new Date('2026-01-10T12:00:00Z');
    const drill = await startDrill(scenario, { now, clock: () => now });
    try {
      const nodes = createNodeAccess('drill', { hosts: drill.hosts });
      await expect(
        nodes.run('worker-1', ['uptime'], { timeoutMs: 1000, signal: AbortSignal.timeout(1000) }),
      ).rejects.toMatchObject({ kind: 'not-collected' });
      // Logs were not marked: the drill's default (an empty log) still answers.
      const kube = await KubeClient.create(await loadKubeConfig({ kubeconfig: drill.kubeconfigPath }));
      expect(await kube.readPodLog('shop', 'web', { container: 'web' })).toBe('');
    } finally {
      await drill.close();
    }
  });
});
