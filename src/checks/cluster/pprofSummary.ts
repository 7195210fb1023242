import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';

/** What a CPU profile says at a glance: how much CPU the process got, and where it went. */
export interface ProfileSummary {
  /** The sample type the shares are of, as `type/unit` (`cpu/nanoseconds` for Go's CPU profile). */
  sampleType: string;
  /** CPU time sampled over the whole profile. */
  cpuSeconds: number;
  /** Wall time the profile covered (its durationNanos). */
  wallSeconds: number;
  /** cpuSeconds / wallSeconds: the cores the process kept busy on average. */
  cores: number;
  samples: number;
  /** Functions by flat share (the leaf of each stack), largest first; cumShare counts every stack they appear in. */
  top: { name: string; share: number; cumShare: number }[];
}

export class ProfileFormatError extends Error {}

const gzipMagic = [0x1f, 0x8b];

/** Decodes a pprof profile (gzipped or not, as /debug/pprof/profile serves it) with DataDog's pprof-format. */
export function summarizeProfile(bytes: Uint8Array, topN = 5): ProfileSummary {
  let profile: Profile;
  try {
    const raw = bytes[0] === gzipMagic[0] && bytes[1] === gzipMagic[1] ? gunzipSync(bytes) : bytes;
    profile = Profile.decode(raw);
  } catch (err) {
    throw new ProfileFormatError(`not a pprof profile: ${err instanceof Error ? err.message : String(err)}`);
  }
  const str = (i: number | bigint): string => profile.stringTable.strings[Number(i)] ?? '';
  const types = profile.sampleType.map((t) => ({ type: str(t.type), unit: str(t.unit) }));
  if (types.length === 0) throw new ProfileFormatError('not a pprof profile: it declares no sample types');
  // Go's CPU profile has samples/count and cpu/nanoseconds; the time one is what CPU time means.
  let vi = types.findIndex((t) => t.type === 'cpu' && t.unit === 'nanoseconds');
  if (vi < 0) vi = types.length - 1;
  const chosen = types[vi] ?? { type: '', unit: '' };
  const functions = new Map(profile.function.map((f) => [String(f.id), str(f.name)]));
  const locations = new Map(profile.location.map((l) => [String(l.id), l]));
  // A location's lines are innermost first: the first is the function that ran, the rest inlined callers.
  const namesAt = (locId: number | bigint): string[] =>
    (locations.get(String(locId))?.line ?? []).map((ln) => functions.get(String(ln.functionId)) ?? '?');

  let total = 0;
  let samples = 0;
  const flat = new Map<string, number>();
  const cum = new Map<string, number>();
  for (const s of profile.sample) {
    const v = Number(s.value[vi] ?? 0);
    if (v <= 0) continue;
    total += v;
    samples += 1;
    const stack = s.locationId.flatMap((id) => namesAt(id));
    const leaf = stack[0] ?? '?';
    flat.set(leaf, (flat.get(leaf) ?? 0) + v);
    for (const name of new Set(stack)) cum.set(name, (cum.get(name) ?? 0) + v);
  }
  const seconds =
    chosen.unit === 'nanoseconds'
      ? total / 1e9
      : chosen.unit === 'microseconds'
        ? total / 1e6
        : chosen.unit === 'milliseconds'
          ? total / 1e3
          : NaN;
  const wallSeconds = Number(profile.durationNanos) / 1e9;
  const top = [...flat.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([name, v]) => ({
      name,
      share: total > 0 ? v / total : 0,
      cumShare: total > 0 ? (cum.get(name) ?? 0) / total : 0,
    }));
  return {
    sampleType: `${chosen.type}/${chosen.unit}`,
    cpuSeconds: seconds,
    wallSeconds,
    cores: wallSeconds > 0 && Number.isFinite(seconds) ? seconds / wallSeconds : NaN,
    samples,
    top,
  };
}

/** `runtime.gcBgMarkWorker 23%, runtime.mcall 9%`: the top functions in one line. */
export function topLine(s: ProfileSummary, n = 3): string {
  return s.top
    .slice(0, n)
    .map((t) => `${t.name} ${Math.round(t.share * 100)}%`)
    .join(', ');
}
