import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { milliCores } from '../../../src/checks/cluster/cpuProfiles.js';
import { ProfileFormatError, summarizeProfile } from '../../../src/checks/cluster/pprofSummary.js';
import { encodeCpuProfile } from '../../../src/drill/profiles.js';
import { TranscriptWriter } from '../../../src/transcript/writer.js';
import { startTestDrill } from '../../helpers/drill.js';
import { kubectlAvailable, warnIfKubectlMissing } from '../../helpers/kubectl.js';

const generated = { generate: { controlPlanes: 1, workers: 1, podsPerWorker: 0, addons: true }, nodes: [] };

async function profiles(
  faults: Record<string, unknown>[],
  params: Record<string, string> = { node: 'cp-1', seconds: '5' },
) {
  const t = await startTestDrill({ cluster: generated, faults: faults as never });
  try {
    return await t.check('cluster.cpu-profiles', params);
  } finally {
    await t.close();
  }
}

describe('pprof summary', () => {
  // A real Go CPU profile (runtime/pprof, go1.19.8, Debian 12), captured on the plumbline dev machine
  // while ~8 helpers shared its 2 cores (load average 13): three goroutines kept busy for 2.1 s wall
  // (test/fixtures/profiles/capture-cpu-profile.go.txt) sampled only 0.67 s of CPU: a starved process.
  it('reads a real gzipped Go CPU profile: a process that sampled far less CPU than the wall time', () => {
    const s = summarizeProfile(
      readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'profiles', 'go119-busy.cpu.pb.gz')),
    );
    expect(s).toMatchObject({ sampleType: 'cpu/nanoseconds', cpuSeconds: 0.67, samples: 63 });
    expect(s.wallSeconds).toBeCloseTo(2.114, 3);
    expect(s.cores).toBeCloseTo(0.317, 3);
    expect(s.top[0]).toMatchObject({ name: 'crypto/sha256.block' });
    expect(s.top[0]?.share).toBeCloseTo(0.597, 3);
    expect(s.top.map((t) => t.name)).toEqual(expect.arrayContaining(['sort.partition', 'runtime.asyncPreempt']));
  });

  it('reads the CPU time, the wall time and the top functions of a gzipped Go CPU profile', () => {
    const s = summarizeProfile(
      encodeCpuProfile(
        {
          cores: 2,
          functions: [
            { name: 'a', share: 3 },
            { name: 'b', share: 1, callers: ['a'] },
          ],
        },
        10,
        new Date(),
      ),
    );
    expect(s).toMatchObject({ sampleType: 'cpu/nanoseconds', cpuSeconds: 20, wallSeconds: 10, cores: 2, samples: 2 });
    expect(s.top.map((t) => [t.name, t.share, t.cumShare])).toEqual([
      ['a', 0.75, 1],
      ['b', 0.25, 0.25],
    ]);
  });

  it('refuses what is not a profile, in words', () => {
    expect(() => summarizeProfile(Buffer.from('404 page not found\n'))).toThrow(ProfileFormatError);
  });

  it('reads quantities as kubectl top does', () => {
    expect(milliCores('3880000000n')).toBe(3880);
    expect(milliCores('250m')).toBe(250);
    expect(milliCores('4')).toBe(4000);
    expect(milliCores('12u')).toBeCloseTo(0.012);
    expect(milliCores('lots')).toBeUndefined();
  });
});

describe('cluster.cpu-profiles on the drill cluster', () => {
  it('unremarkable: the healthy profiles, node CPU unknown (metrics-server has scraped nothing)', async () => {
    const r = await profiles([]);
    expect(r.outcome).toBe('unremarkable');
    expect(r.summary).toContain('kube-apiserver 0.3 cores');
    expect(r.summary).toContain('starvation cannot be judged');
    expect(r.command).toContain("kubectl get --raw '/debug/pprof/profile?seconds=5'");
    expect(r.artifacts?.map((a) => a.name)).toEqual(['kube-apiserver.cpu.pb.gz', 'kubelet.cpu.pb.gz']);
  });

  it('starved: both processes get a fraction of a core while the node is 97% busy', async () => {
    const r = await profiles([
      { fault: 'process-cpu-profile', target: 'apiserver', cores: 0.2, node: 'cp-1', nodeCpuPercent: 97 },
      { fault: 'process-cpu-profile', target: 'kubelet', node: 'cp-1', cores: 0.05 },
    ]);
    expect(r.outcome).toBe('starved');
    expect(r.facts).toMatchObject({ apiserverCores: 0.2, kubeletCores: 0.05, nodeCpuPercent: 97, profileSeconds: 5 });
    expect(r.evidence).toContainEqual({ label: 'node cp-1 CPU in use', value: '97% (3880m of 4 CPUs)' });
  });

  it('apiserver-hot names what it burns the cores on', async () => {
    const r = await profiles([
      {
        fault: 'process-cpu-profile',
        target: 'apiserver',
        cores: 3.5,
        functions: [
          { name: 'encoding/json.(*encodeState).marshal', share: 0.6 },
          { name: 'runtime.scanobject', share: 0.4 },
        ],
      },
    ]);
    expect(r.outcome).toBe('apiserver-hot');
    expect(r.facts).toMatchObject({
      hotProcess: 'kube-apiserver',
      hotCores: 3.5,
      hotTop: 'encoding/json.(*encodeState).marshal 60%, runtime.scanobject 40%',
    });
  });

  it('profiling-disabled: 404 page not found from both, as with --profiling=false', async () => {
    const r = await profiles([
      { fault: 'process-cpu-profile', target: 'apiserver', disabled: true },
      { fault: 'process-cpu-profile', target: 'kubelet', node: 'cp-1', disabled: true },
    ]);
    expect(r.outcome).toBe('profiling-disabled');
    expect(r.summary).toContain('404 page not found');
  });

  it('a kubelet the proxy cannot reach is said as such, and the API server profile still counts', async () => {
    const t = await startTestDrill({
      cluster: {
        ...generated,
        nodes: [{ name: 'cp-1', role: 'control-plane', ready: 'Unknown', heartbeatAgeSeconds: 600 }],
      } as never,
    });
    try {
      const r = await t.check('cluster.cpu-profiles', { node: 'cp-1', seconds: '5' });
      expect(r.outcome).toBe('unremarkable');
      expect(r.evidence.find((e) => e.label === 'kubelet on cp-1')?.value).toMatch(
        /^no profile: 503 .*10250: i\/o timeout/,
      );
    } finally {
      await t.close();
    }
  });

  it('the transcript keeps each profile beside itself, 0600, and go tool pprof could read it back', async () => {
    const r = await profiles([]);
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-prof-'));
    try {
      const w = TranscriptWriter.open(join(dir, 't.jsonl'));
      w.write({
        type: 'check.result',
        step: 's',
        check: 'cluster.cpu-profiles',
        outcome: r.outcome,
        summary: r.summary,
        evidence: r.evidence,
        facts: r.facts,
        durationMs: 1,
        timedOut: false,
        verdict: 'ok',
        ...(r.artifacts ? { artifacts: r.artifacts } : {}),
      });
      w.close();
      const line = JSON.parse(readFileSync(join(dir, 't.jsonl'), 'utf8')) as {
        artifacts: { name: string; file: string; size: number }[];
      };
      expect(line.artifacts.map((a) => a.name)).toEqual(['kube-apiserver.cpu.pb.gz', 'kubelet.cpu.pb.gz']);
      const files = readdirSync(join(dir, 't.artifacts'));
      expect(files).toHaveLength(2);
      for (const a of line.artifacts) {
        const bytes = readFileSync(join(dir, a.file));
        expect(bytes.length).toBe(a.size);
        expect(summarizeProfile(bytes).sampleType).toBe('cpu/nanoseconds');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

warnIfKubectlMissing('cpu profiles through kubectl');
describe.skipIf(!kubectlAvailable())('the drill serves profiles to the real kubectl', () => {
  it('kubectl get --raw /debug/pprof/profile and kubectl top node', async () => {
    const t = await startTestDrill({
      cluster: generated,
      faults: [
        { fault: 'process-cpu-profile', target: 'apiserver', cores: 1.5, node: 'cp-1', nodeCpuPercent: 60 },
      ] as never,
    });
    try {
      const env = { ...process.env, KUBECONFIG: t.drill.kubeconfigPath };
      // Asynchronously: the drill answers from this same process.
      const run = promisify(execFile);
      const bytes = (
        await run('kubectl', ['get', '--raw', '/debug/pprof/profile?seconds=4'], { env, encoding: 'buffer' })
      ).stdout;
      expect(summarizeProfile(bytes)).toMatchObject({ cores: 1.5, wallSeconds: 4 });
      const top = (await run('kubectl', ['top', 'node', 'cp-1', '--no-headers'], { env, encoding: 'utf8' })).stdout;
      expect(top).toMatch(/^cp-1\s+2400m\s+60%/);
    } finally {
      await t.close();
    }
  });
});
