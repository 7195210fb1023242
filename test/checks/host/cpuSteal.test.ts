import { describe, expect, it } from 'vitest';
import { cpuSteal, parseCpuSteal, parseProcStat } from '../../../src/checks/host/cpuSteal.js';
import { fixture } from './fixtures.js';

const p = { node: 'worker-5', stealPercent: 10, iowaitPercent: 25, intervalSeconds: 1 };

describe('host.cpu-steal', () => {
  it('samples /proc/stat twice; the command shown to a human does the same', () => {
    expect(cpuSteal.argv(p)).toEqual(['cat', '/proc/stat']);
    expect(cpuSteal.command(p)).toBe('cat /proc/stat; sleep 1; cat /proc/stat');
  });

  it('splits the output into samples of cpu lines', () => {
    const samples = parseProcStat(fixture('proc-stat-high-steal').stdout);
    expect(samples).toHaveLength(2);
    expect(samples[0]?.map((c) => c.name)).toEqual(['cpu', 'cpu0', 'cpu1', 'cpu2', 'cpu3']);
  });

  it('an oversubscribed VM: steal over the threshold, with the worst CPU', () => {
    const r = parseCpuSteal(fixture('proc-stat-high-steal'), p);
    expect(r.outcome).toBe('high-steal');
    expect(r.facts).toMatchObject({
      stealPercent: 25,
      iowaitPercent: 2.5,
      maxCpuStealPercent: 35,
      maxStealCpu: 'cpu2',
      cpuCount: 4,
      sampleSeconds: 1,
      cpuSource: '/proc/stat',
    });
    expect(r.evidence[0]).toEqual({ label: 'steal', value: '25% over ~1s, 4 CPUs; worst cpu2 35% (threshold 10%)' });
  });

  it('iowait has its own threshold', () => {
    expect(parseCpuSteal(fixture('proc-stat-high-steal'), { ...p, stealPercent: 50, iowaitPercent: 2 }).outcome).toBe(
      'high-iowait',
    );
    expect(parseCpuSteal(fixture('proc-stat-high-steal'), { ...p, stealPercent: 50 }).outcome).toBe('normal');
  });

  it('this machine, captured: two real samples a second apart', () => {
    const r = parseCpuSteal(fixture('proc-stat-dev-machine'), p);
    expect(['normal', 'high-steal', 'high-iowait']).toContain(r.outcome);
    expect(r.facts.cpuCount).toBe(2);
    expect(r.facts.sampleSeconds).toBeGreaterThan(0.5);
    expect(r.facts.sampleSeconds).toBeLessThan(2);
  });

  it('one pasted sample gives the average since boot, and says so', () => {
    const one = fixture('proc-stat-high-steal');
    const r = parseCpuSteal({ ...one, stdout: one.stdout.slice(0, one.stdout.indexOf('cpu ', 10)) }, p);
    expect(r.evidence[0]?.value).toContain('since boot (one sample only)');
    expect(r.facts.sampleSeconds).toBe(0);
  });

  it('identical samples or no cpu line: cannot tell', () => {
    const first = fixture('proc-stat-high-steal').stdout.split('intr')[0] ?? '';
    expect(parseCpuSteal({ ...fixture('proc-stat-high-steal'), stdout: first + first }, p)).toMatchObject({
      outcome: 'error',
      facts: { errorKind: 'bad-output' },
    });
    expect(parseCpuSteal({ ...fixture('proc-stat-high-steal'), stdout: 'hello\n' }, p)).toMatchObject({
      outcome: 'error',
    });
  });
});
