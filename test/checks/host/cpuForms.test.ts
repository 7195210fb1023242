import { describe, expect, it } from 'vitest';
import { parseCpuConsumers } from '../../../src/checks/host/cpuConsumers.js';
import { readCpu } from '../../../src/checks/host/cpuForms.js';
import { parseCpuSteal } from '../../../src/checks/host/cpuSteal.js';
import { parseRuncLingering } from '../../../src/checks/host/runcLingering.js';
import { fixture } from './fixtures.js';

const steal = { node: 'n', stealPercent: 10, iowaitPercent: 25, intervalSeconds: 1 };
const consumers = { node: 'n', processPercent: 90, systemPercent: 40 };
// The moment the stand-in processes were captured (their STIME is 15:18).
const capturedAt = new Date('2026-12-06T15:20:16Z');

describe('CPU shares in every form people paste', () => {
  it.each([
    // fixture, tool, steal, iowait, user, system, outcome
    ['proc-stat-high-steal', '/proc/stat', 25, 2.5, undefined, undefined, 'high-steal'],
    ['top-rke2-t3a-steal', 'top', 65.9, 0, 9.2, 8, 'high-steal'],
    ['top-coreos-old-form-steal', 'top', 54.3, 0, 0, 0, 'high-steal'],
    ['top-hyperkube-system-time', 'top', 0.1, 0, 7.6, 90.5, 'normal'],
    ['top-kubelet-over-100', 'top', 0, 0.2, 3.5, 0.2, 'normal'],
    ['top-iowait-kswapd', 'top', 0, 64.8, 0.3, 12.9, 'high-iowait'],
    ['top-bn2-runc-standin', 'top', 0, 0, 74.2, 25.8, 'normal'],
    ['top-de-locale-runc-standin', 'top', 0, 0, 71.4, 28.6, 'normal'],
    ['mpstat-de-locale-dev-machine', 'mpstat', 0, 0, undefined, undefined, 'normal'],
    ['mpstat-dev-machine', 'mpstat', 0, 0, undefined, undefined, 'normal'],
    ['sar-u-ampm-kvm', 'sar', 0.01, 0.04, 1.72, 0.49, 'normal'],
    ['sar-u-dev-machine', 'sar', 0, 0, undefined, undefined, 'normal'],
    ['iostat-c-dev-machine', 'iostat', 0, undefined, undefined, undefined, 'normal'],
    ['vmstat-dev-machine', 'vmstat', 0, undefined, undefined, undefined, 'normal'],
    ['vmstat-exawatcher-time', 'vmstat', 0, 0, 2.5, 1, 'normal'],
  ])('%s is read as %s: %s%% steal', (name, tool, st, wa, us, sy, outcome) => {
    const f = fixture(name);
    const reading = readCpu(f.stdout);
    expect(reading?.source).toBe(tool);
    expect(reading?.shares.steal).toBe(st);
    if (wa !== undefined) expect(reading?.shares.iowait).toBe(wa);
    if (us !== undefined) expect(reading?.shares.user).toBe(us);
    if (sy !== undefined) expect(reading?.shares.system).toBe(sy);
    const r = parseCpuSteal(f, steal);
    expect(r.outcome).toBe(outcome);
    expect(r.facts).toMatchObject({ stealPercent: st, cpuSource: tool });
    // A neighbouring tool's output is named as what it is, with the steal it shows.
    if (tool !== '/proc/stat')
      expect(r.summary).toMatch(new RegExp(`^this is \`${tool}\` output; it shows ${st}% steal`));
  });

  it('decimal commas (de locale) and the localized Average line are read', () => {
    const r = readCpu(fixture('mpstat-de-locale-dev-machine').stdout);
    expect(r?.shares.user).toBeGreaterThan(1);
    expect(r?.window).toBe("mpstat's average of 2 intervals");
    expect(readCpu(fixture('top-de-locale-runc-standin').stdout)?.shares.user).toBe(71.4);
  });

  it('mpstat -P ALL names the CPUs; sysstat prints the CPU count', () => {
    const r = readCpu(fixture('mpstat-dev-machine').stdout);
    expect(r?.cpuCount).toBe(2);
    expect(r?.perCpu?.map((c) => c.name)).toEqual(['cpu0', 'cpu1']);
  });

  it('top -bn2: the last iteration, not the since-boot first', () => {
    const r = readCpu(fixture('top-bn2-runc-standin').stdout);
    expect(r?.window).toBe("top's last of 2 iterations");
    expect(r?.shares.user).toBe(74.2);
  });

  it.each([
    ['ps-ef-runc-standin', '`ps -ef` output'],
    ['ps-aux-runc-standin', '`ps aux` output'],
    ['pidstat-runc-standin', '`pidstat` output'],
    ['journal-45419-short', 'journal lines'],
  ])('%s is named, never refused as "not /proc/stat"', (name, what) => {
    const r = parseCpuSteal(fixture(name), steal);
    expect(r.outcome).toBe('error');
    expect(r.summary).toMatch(new RegExp(`^this is ${what.replace(/[`]/g, '.')}`));
    expect(r.summary).not.toMatch(/not \/proc\/stat/);
  });
});

describe('host.cpu-consumers: what eats the CPU', () => {
  it.each([
    ['top-kubelet-over-100', 'process-hog', { cpuHog: 'kubelet', cpuHogPercent: 101.2, cpuHogIsAgent: true }],
    [
      'top-hyperkube-system-time',
      'system-time',
      { kernelPercent: 90.6, topConsumers: 'hyperkube 41.8%, findmnt 26.2%, du 10.9%, du 10.6%, du 10.6%' },
    ],
    ['top-rke2-t3a-steal', 'normal', { stealPercent: 65.9 }],
    ['top-iowait-kswapd', 'normal', { idlePercent: 3.1 }],
    ['top-bn2-runc-standin', 'normal', { cpuConsumersSource: 'top' }],
    ['top-de-locale-runc-standin', 'normal', { cpuConsumersSource: 'top' }],
    ['ps-aux-runc-standin', 'normal', { cpuConsumersSource: 'ps aux' }],
    ['ps-eo-reordered-runc-standin', 'normal', { cpuConsumersSource: 'ps -eo' }],
    ['pidstat-l-runc-standin', 'normal', { cpuConsumersSource: 'pidstat' }],
  ])('%s → %s', (name, outcome, facts) => {
    const r = parseCpuConsumers(fixture(name), consumers, capturedAt);
    expect(r.outcome).toBe(outcome);
    expect(r.facts).toMatchObject(facts);
  });

  it("ps's %CPU is said to be a lifetime average", () => {
    expect(parseCpuConsumers(fixture('ps-aux-runc-standin'), consumers, capturedAt).summary).toContain(
      "ps's %CPU is each process's average over its whole life",
    );
  });

  it('a process list without %CPU cannot say, and says why', () => {
    const r = parseCpuConsumers(fixture('ps-ef-runc-standin'), consumers, capturedAt);
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'bad-output' } });
    expect(r.summary).toMatch(/^this is `ps -ef` output without a %CPU column/);
  });
});

describe('host.runc-lingering on every ps form', () => {
  it.each([
    ['ps-eo-etimes-runc-standin', 'lingering', 76],
    ['ps-ef-runc-standin', 'lingering', 77],
    ['ps-aux-runc-standin', 'lingering', 77],
    ['ps-lingering-runc', 'lingering', 900],
  ])('%s: the runc stand-in, 76 s old, lingers', (name, outcome, oldest) => {
    const r = parseRuncLingering(fixture(name), { node: 'n', thresholdSeconds: 60 }, capturedAt);
    expect(r.outcome).toBe(outcome);
    expect(r.facts.oldestRuncSeconds).toBeGreaterThanOrEqual(Math.min(oldest, 76));
  });

  it('ps -eo in another column order (user,pid,pcpu,etime,comm,args) finds it by its args', () => {
    const r = parseRuncLingering(
      fixture('ps-eo-reordered-runc-standin'),
      { node: 'n', thresholdSeconds: 60 },
      capturedAt,
    );
    expect(r.outcome).toBe('lingering');
    expect(r.facts).toMatchObject({ runcProcesses: 1, lingeringRuncPids: '3', lingeringRuncVerbs: 'init:1' });
  });

  it('top lists runc but not its age: it says so instead of guessing', () => {
    const r = parseRuncLingering(fixture('top-bn2-runc-standin'), { node: 'n', thresholdSeconds: 60 }, capturedAt);
    expect(r.outcome).toBe('error');
    expect(r.summary).toMatch(/^this is `top` output: it lists 1 runc processes but not how long/);
  });
});

describe('host.cpu-consumers on its own command', () => {
  it('top -b -c -w 512 -n 2 -d 1: whole command lines (batch top cuts them at 80 columns without -w), the last iteration', async () => {
    const { cpuConsumers } = await import('../../../src/checks/host/cpuConsumers.js');
    expect(cpuConsumers.command({ node: 'n', processPercent: 90, systemPercent: 40 })).toBe(
      'top -b -c -w 512 -n 2 -d 1',
    );
    const r = parseCpuConsumers(fixture('top-bc-kubelet-standin'), consumers, capturedAt);
    expect(r.outcome).toBe('normal');
    expect(r.facts.topConsumers).toMatch(/^kubelet \d/);
  });
});
