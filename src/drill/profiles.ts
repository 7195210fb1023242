import { gzipSync } from 'node:zlib';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';

/** What a process's CPU profile shows in a drill: the cores it kept busy, and which functions ran. */
export interface ProcessProfileSpec {
  /** Profiling is off (kube-apiserver --profiling=false, the kubelet's enableProfilingHandler false): 404. */
  disabled?: boolean;
  cores: number;
  /** Leaf functions with their share of the samples (normalised), each under a short caller stack. */
  functions: { name: string; share: number; callers?: string[] }[];
}

/** What a healthy idle control plane shows (the incident's healthy profiles: GC, the scheduler, cadvisor). */
export const healthyProfiles = {
  apiserver: {
    cores: 0.3,
    functions: [
      { name: 'runtime.gcBgMarkWorker', share: 0.22, callers: ['runtime.goexit'] },
      { name: 'runtime.mcall', share: 0.12, callers: ['runtime.park_m', 'runtime.goexit'] },
      { name: 'syscall.Syscall', share: 0.1, callers: ['internal/poll.(*FD).Read', 'net.(*conn).Read'] },
      {
        name: 'encoding/json.(*encodeState).marshal',
        share: 0.08,
        callers: ['k8s.io/apiserver/pkg/endpoints/handlers/responsewriters.SerializeObject'],
      },
      {
        name: 'k8s.io/apiserver/pkg/storage/cacher.(*watchCache).processEvent',
        share: 0.06,
        callers: ['k8s.io/apiserver/pkg/storage/cacher.(*Cacher).dispatchEvents'],
      },
      { name: 'runtime.scanobject', share: 0.42, callers: ['runtime.gcDrain', 'runtime.gcBgMarkWorker'] },
    ],
  },
  kubelet: {
    cores: 0.08,
    functions: [
      {
        name: 'github.com/google/cadvisor/manager.(*containerData).housekeeping',
        share: 0.3,
        callers: ['runtime.goexit'],
      },
      { name: 'runtime.gcBgMarkWorker', share: 0.2, callers: ['runtime.goexit'] },
      {
        name: 'syscall.Syscall6',
        share: 0.2,
        callers: ['github.com/opencontainers/runc/libcontainer/cgroups/fs2.statCpu'],
      },
      { name: 'runtime.mcall', share: 0.3, callers: ['runtime.park_m', 'runtime.goexit'] },
    ],
  },
} satisfies Record<string, ProcessProfileSpec>;

/**
 * What the drill's processes show when profiled: `apiserver`, and `kubelet/<node>`
 * per node; whatever is not set shows the healthy profile.
 */
export type DrillProfiles = Record<string, ProcessProfileSpec>;

/** Node CPU use as metrics-server reports it (metrics.k8s.io NodeMetrics), by node name. */
export type DrillNodeMetrics = Record<string, { cpu: string; memory: string }>;

/** Go's sampling period for CPU profiles: 100 Hz. */
const periodNanos = 10_000_000;

/**
 * A gzipped pprof CPU profile as Go's runtime/pprof writes it (samples/count and
 * cpu/nanoseconds, period 10ms), encoded with the same library plumbline reads it with.
 */
export function encodeCpuProfile(spec: ProcessProfileSpec, seconds: number, now: Date): Buffer {
  const strings = new StringTable();
  const fnIds = new Map<string, number>();
  const functions: PFunction[] = [];
  const locations: Location[] = [];
  const locFor = (name: string): number => {
    let id = fnIds.get(name);
    if (id === undefined) {
      id = functions.length + 1;
      fnIds.set(name, id);
      functions.push(
        new PFunction({ id, name: strings.dedup(name), systemName: strings.dedup(name), filename: strings.dedup('') }),
      );
      locations.push(new Location({ id, line: [new Line({ functionId: id })] }));
    }
    return id;
  };
  const totalSamples = Math.max(0, Math.round(spec.cores * seconds * (1e9 / periodNanos)));
  const weight = spec.functions.reduce((a, f) => a + f.share, 0) || 1;
  const samples = spec.functions.map((f) => {
    const count = Math.round((totalSamples * f.share) / weight);
    return new Sample({ locationId: [f.name, ...(f.callers ?? [])].map(locFor), value: [count, count * periodNanos] });
  });
  const profile = new Profile({
    sampleType: [
      new ValueType({ type: strings.dedup('samples'), unit: strings.dedup('count') }),
      new ValueType({ type: strings.dedup('cpu'), unit: strings.dedup('nanoseconds') }),
    ],
    sample: samples.filter((s) => Number(s.value[0]) > 0),
    location: locations,
    function: functions,
    stringTable: strings,
    timeNanos: BigInt(now.getTime()) * 1_000_000n,
    durationNanos: BigInt(Math.round(seconds * 1e9)),
    periodType: new ValueType({ type: strings.dedup('cpu'), unit: strings.dedup('nanoseconds') }),
    period: periodNanos,
  });
  return gzipSync(profile.encode());
}
