/**
 * What the kubelet's probe events say, in every wording it has used. The
 * kill is a `Killing` event of type Normal, never a Warning, so a reader that
 * only looks at warnings misses it. Wordings, oldest first:
 *   1.5-1.9   `Killing container with docker id 0f25...: pod "tiller-deploy-..._kube-system(8a2b...)" container "tiller" is unhealthy, it will be killed and re-created.`
 *   1.10-1.13 `Killing container with id docker://nginx:Container failed liveness probe.. Container will be killed and recreated.`
 *   1.14+     `Container tiller failed liveness probe, will be restarted` / `Container keycloak failed startup probe, will be restarted`
 * (1.5-1.9 only killed on liveness: there was no startup probe.)
 */

export type ProbeKind = 'liveness' | 'startup' | 'readiness';

export interface ProbeKill {
  kind: 'liveness' | 'startup';
  /** The container the message names, when it names one. */
  container?: string;
}

const killWordings: { re: RegExp; kind?: ProbeKill['kind'] }[] = [
  { re: /^Container (\S+) failed (liveness|startup) probe, will be restarted/ },
  { re: /^Killing container with id (?:[\w-]+:\/\/)?([^:\s]+):Container failed (liveness|startup) probe/ },
  // 1.5 wrote "with docker id 0f25...: pod", 1.6 "with id docker://1fac...:pod".
  {
    re: /^Killing container with (?:docker )?id \S+?:\s?pod "[^"]*" container "([^"]+)" is unhealthy, it will be killed and re-created/,
    kind: 'liveness',
  },
];

/** The probe kill a `Killing` event's message reports, if it reports one (a deletion or a preemption is not). */
export function probeKill(message: string | undefined): ProbeKill | undefined {
  const text = (message ?? '').trim();
  for (const { re, kind } of killWordings) {
    const m = re.exec(text);
    if (!m) continue;
    const k = kind ?? (m[2] === 'startup' ? 'startup' : 'liveness');
    return m[1] ? { kind: k, container: m[1] } : { kind: k };
  }
  return undefined;
}

/** `Liveness probe failed: ...`, `Startup probe errored: ...`: which probe an Unhealthy message is about. */
export function probeFailureKind(message: string | undefined): ProbeKind | undefined {
  const m = /^(Liveness|Startup|Readiness) probe (?:failed|errored)/.exec((message ?? '').trim());
  return m?.[1] ? (m[1].toLowerCase() as ProbeKind) : undefined;
}

/**
 * What a probe failure says about the program behind it:
 * - `refused`: nothing listens where the probe knocks (not up yet, a wrong port, or bound to 127.0.0.1);
 * - `timeout`: something listens but did not answer in time (busy, hung, or starved of CPU);
 * - `wrong-answer`: a server answered, but 404/401/403: the program is up and the probe asks for the wrong thing;
 * - `unhealthy`: the program answered that it is not healthy (5xx, or an exec probe's non-zero exit);
 * - `other`: anything else.
 */
export type ProbeFailureClass = 'refused' | 'timeout' | 'wrong-answer' | 'unhealthy' | 'other';

export function classifyProbeFailure(message: string): ProbeFailureClass {
  // Old Go: `dial tcp 10.1.2.3:8080: getsockopt: connection refused`; new: `connect: connection refused`; curl: `Connection refused`.
  if (/connection refused|Connection refused|ECONNREFUSED/.test(message)) return 'refused';
  if (/Client\.Timeout exceeded|context deadline exceeded|i\/o timeout|timed out|timeout:/i.test(message))
    return 'timeout';
  const code = /statuscode: (\d{3})/.exec(message)?.[1];
  if (code === '404' || code === '401' || code === '403' || code === '405') return 'wrong-answer';
  if (code?.startsWith('5')) return 'unhealthy';
  return 'other';
}

/** The HTTP status a probe failure names, for the evidence (`statuscode: 404`). */
export function probeStatusCode(message: string): number | undefined {
  const code = /statuscode: (\d{3})/.exec(message)?.[1];
  return code ? Number(code) : undefined;
}

/**
 * A log line in which a program says it is up and serving. Used only to tell a probe aimed where nothing
 * listens from a slow start, so it errs towards not matching: start-up progress ("starting", "loading") is not serving.
 */
const servingWordings = [
  /\b(?:now )?listening (?:on|at)\b/i,
  /\bserver (?:is )?listening\b/i,
  /\b(?:HTTP|HTTPS|gRPC|web|metrics|health)(?: server)? (?:is )?listening\b/i,
  /\bready to accept connections\b/i,
  /\bServing (?:on|at|HTTP)\b/,
  /\bRunning on https?:\/\//,
  /\bstarted (?:server|HTTP server|listener) (?:on|at)\b/i,
  /\bTomcat started on port/,
  /\bstarted in [\d.]+ ?m?s\b/i,
];

export function servingLine(line: string): boolean {
  return servingWordings.some((re) => re.test(line));
}

/** The port a probe failure knocked on: `dial tcp 10.7.5.70:25080: ...`, `Get "http://10.0.0.229:9000/health/started"`. */
export function probedPort(message: string): number | undefined {
  const m =
    /dial tcp [^\s:]+:(\d+)/.exec(message) ??
    /https?:\/\/[^\s/:"]+:(\d+)/.exec(message) ??
    /localhost port (\d+)/.exec(message);
  return m?.[1] ? Number(m[1]) : undefined;
}

/** The ports a serving line names (`listening on http://0.0.0.0:6001` → 6001). */
export function servingPorts(line: string): number[] {
  const addresses = [...line.matchAll(/(?:\b\d{1,3}(?:\.\d{1,3}){3}|\blocalhost|\[[:\da-fA-F]*\]|\*|::):(\d{2,5})\b/g)];
  const words = [...line.matchAll(/\bport(?:\(s\))?:? (\d{2,5})\b/gi)];
  return [...addresses, ...words].map((m) => Number(m[1]));
}

/** The address a serving line names, when it binds only to the loopback interface (the kubelet cannot reach it). */
export function loopbackAddress(line: string): string | undefined {
  return /\b((?:127\.0\.0\.1|localhost|\[::1\]):\d+)/.exec(line)?.[1];
}
