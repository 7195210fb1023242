import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { clip, defineHostCheck, hostError, nodeParam } from './define.js';
import { isError, isKubeletOrSystemd, messageBody, parseJournal } from './journal.js';
import { parseGoDuration } from '../../kube/semantics/duration.js';

const outcomes = [
  'config-missing',
  'certificate',
  'runtime-unreachable',
  'systemd-cgroup',
  'runtime-timeout',
  'pleg-unhealthy',
  'apiserver-connection-lost',
  'apiserver-unreachable',
  'eviction',
  'exits-on-error',
  'quiet',
] as const;
type Outcome = (typeof outcomes)[number];
type Finding = Exclude<Outcome, 'quiet' | 'exits-on-error'>;

const params = z.object({
  node: nodeParam,
  sinceMinutes: z.coerce.number().int().positive().default(15),
  maxLines: z.coerce.number().int().positive().default(2000),
});
type Params = z.infer<typeof params>;

export function kubeletJournalArgv(p: Params): string[] {
  return [
    'journalctl',
    '-u',
    'kubelet',
    `--since=-${p.sinceMinutes}m`,
    '-o',
    'short-iso',
    '--no-pager',
    '-n',
    String(p.maxLines),
  ];
}

/**
 * The kubelet's words for each failure, oldest wording first. Root causes rank
 * above their symptoms: a dead runtime is why PLEG stalls, so it wins over PLEG.
 */
const classes: { finding: Finding; pattern: RegExp; meaning: string }[] = [
  {
    finding: 'config-missing',
    pattern: /failed to (?:load|read) kubelet config file.*no such file or directory/i,
    meaning: 'the kubelet cannot start: its config file is missing',
  },
  {
    finding: 'certificate',
    // kubelet 1.10-1.20: `Part of the existing bootstrap client certificate is expired: 2018-07-06 ...`; 1.21+: `... located at "/etc/kubernetes/kubelet.conf" is expired`.
    pattern:
      /x509: certificate has expired|certificate has expired or is not yet valid|client certificate (?:has expired|is expired)|bootstrap client certificate (?:(?:which )?(?:in|located at) \S+ )?is expired|x509: certificate signed by unknown authority/i,
    meaning: 'the kubelet cannot authenticate to the API server: a certificate is expired or not trusted',
  },
  {
    finding: 'runtime-unreachable',
    pattern:
      /container runtime is down|(?:containerd|crio|cri-dockerd|dockershim|docker)\.sock: connect: (?:connection refused|no such file or directory)|Cannot connect to the Docker daemon|container runtime is not running/i,
    meaning: 'the kubelet cannot reach the container runtime',
  },
  {
    // The kubelet asks systemd (over D-Bus) for each pod's cgroup slice and runC asks it for each container's scope.
    finding: 'systemd-cgroup',
    pattern:
      /Timeout waiting for systemd to create|dbus: connection closed by user|unable to start unit|sd-bus call|Activation of org\.freedesktop\.systemd1 timed out|Failed to activate service 'org\.freedesktop\.systemd1'/i,
    meaning: 'systemd does not create the cgroups the kubelet and runC ask it for over D-Bus',
  },
  {
    // 1.5-1.9 dockershim says `rpc error: code = 4 desc = operation timeout: context deadline exceeded` (or, inside
    // dockershim, just `operation timeout: context deadline exceeded`); later, code = DeadlineExceeded.
    finding: 'runtime-timeout',
    pattern:
      /rpc error: code = (?:DeadlineExceeded|4) desc = (?:context deadline exceeded|operation timeout)|operation timeout: context deadline exceeded/,
    meaning: "the container runtime does not answer the kubelet's calls within their deadline",
  },
  // `pleg has yet to be successful` is every kubelet's first seconds after a start, not a stall.
  {
    finding: 'pleg-unhealthy',
    pattern: /PLEG is not healthy(?!: pleg has yet to be successful)/,
    meaning: 'PLEG is not healthy: relisting containers through the runtime takes longer than the threshold',
  },
  {
    // The kubelet keeps reusing an HTTP/2 connection that is already dead (kubernetes/kubernetes#87615, #92164). Only on
    // requests to the API: its own streaming server logs `conn.go:254] Error on socket receive: read tcp 127.0.0.1:…:
    // use of closed network connection` for every finished exec or port-forward, which is noise (#98094, #123787).
    finding: 'apiserver-connection-lost',
    pattern:
      /https?:\/\/[^\s"/]+\/apis?\/.*(?:use of closed network connection|http2: client connection lost|http2: client connection force closed)/,
    meaning:
      'the kubelet keeps using a connection to the API server that is already closed, so its status and Lease updates fail',
  },
  {
    // Only requests to the API (…/api/…, …/apis/…): probes and image pulls dial other addresses. An HTTP(S)_PROXY in the
    // kubelet's environment without the API server in NO_PROXY sends them to the proxy, which refuses them (kind#1674).
    finding: 'apiserver-unreachable',
    pattern:
      /https?:\/\/[^\s"/]+\/apis?\/.*(?:i\/o timeout|connect: (?:connection refused|no route to host|network is unreachable)|Client\.Timeout exceeded|TLS handshake timeout|request canceled|connection reset by peer|context deadline exceeded|Proxy Authentication Required|proxyconnect tcp)/,
    meaning: 'the kubelet cannot reach the API server to post node status or renew its Lease',
  },
  {
    finding: 'eviction',
    pattern:
      /eviction manager: (?:attempting to reclaim|must evict|pods ranked for eviction|evicting)|Evicting pod|node has conditions: \[[^\]]*Pressure|(?:Memory|Disk|PID)Pressure/i,
    meaning: 'the kubelet is evicting pods to relieve resource pressure',
  },
];

/** A kubelet's start-up failure in words, whatever the line's form (klog F, a bare cobra "Error: ..."). */
const startFailure =
  /failed to run Kubelet|failed to parse kubelet flag|unknown (?:shorthand )?flag: --|"command failed"/i;

/** systemd's lines about the unit, which a bare (-o cat) journal does not mark as systemd's. */
const unitLine = /^(?:\S+\.service: |(?:Started|Stopped|Stopping|Starting|Failed to start) .*\.$)/;

/** Words a failure is told in, for a line that carries no severity of its own. */
const unmarkedFailure = /\b(?:fail(?:ed|ure|s)?|error|fatal|panic|unable|cannot|refused|denied)\b/i;

export function parseKubeletJournal(r: RunResult, p: Params, now?: Date): CheckResult<Outcome> {
  const journal = parseJournal(
    `${r.stdout}${r.stdout.endsWith('\n') || r.stdout === '' ? '' : '\n'}${r.stderr}`,
    now ? { now } : {},
  );
  // The kubelet's own lines and systemd's about its unit; a pasted syslog file has everyone else's too.
  const entries = journal.entries.filter(isKubeletOrSystemd);
  if (entries.length === 0 && (journal.noJournal || journal.noEntries)) {
    const why = journal.noJournal
      ? 'this host keeps no systemd journal'
      : `no kubelet lines in the last ${p.sinceMinutes}m`;
    return {
      outcome: 'quiet',
      summary: `the kubelet journal is empty: ${why} (is the kubelet running, and does it log to the journal?)`,
      evidence: [{ label: 'journal', value: why }],
      facts: { kubeletJournalFinding: 'quiet', kubeletJournalLines: 0 },
    };
  }
  if (r.exitCode !== 0 && r.exitCode !== null && r.stdout.trim() === '') {
    return hostError(
      `journalctl failed: ${clip(r.stderr, 160)}`,
      /Permission denied|not seeing messages/i.test(r.stderr) ? 'denied' : 'bad-output',
    );
  }
  const matches = new Map<Finding, string[]>();
  let lines = 0;
  let errorLines = 0;
  let restartCounter: number | undefined;
  let plegSeconds: number | undefined;
  let configPath: string | undefined;
  let socket: string | undefined;
  let evictedResource: string | undefined;
  let apiserverEndpoint: string | undefined;
  let apiserverError: string | undefined;
  let lastError: string | undefined;
  let lastExit: string | undefined;
  // Lines with no severity letter (a klog header cut off, cobra's bare output) that read as failures: not error lines, not nothing.
  let unmarkedFailures = 0;
  let lastUnmarked: string | undefined;
  for (const e of entries) {
    lines++;
    const msg = e.message;
    if (isError(e)) {
      errorLines++;
      // The klog header (E0501 22:42:30.344597   44914 run.go:74]) says nothing the line's time does not.
      lastError = messageBody(e);
    } else if (startFailure.test(msg)) {
      // cobra prints a flag error bare, with no klog header: "Error: failed to parse kubelet flag: unknown flag: --network-plugin".
      lastError = messageBody(e);
    }
    if (e.severity === undefined && e.ident !== 'systemd' && !unitLine.test(msg) && unmarkedFailure.test(msg)) {
      unmarkedFailures++;
      lastUnmarked = messageBody(e);
    }
    // systemd 219 writes "main process exited", later ones "Main process exited".
    const exited = /main process exited, (code=\w+, status=\S+)/i.exec(msg);
    if (exited) lastExit = exited[1];
    const counter = /restart counter is at (\d+)/.exec(msg);
    if (counter) restartCounter = Number(counter[1]);
    for (const c of classes) {
      if (!c.pattern.test(msg)) continue;
      const list = matches.get(c.finding) ?? [];
      list.push(e.line);
      matches.set(c.finding, list);
      if (c.finding === 'pleg-unhealthy')
        plegSeconds = parseGoDuration(/last seen active (\S+?) ago/.exec(msg)?.[1] ?? '') ?? plegSeconds;
      if (c.finding === 'config-missing') configPath = /open (\/[^\s:"\\]+): no such file/.exec(msg)?.[1] ?? configPath;
      if (c.finding === 'runtime-unreachable') socket = /dial unix (\/[^\s:"\\]+)/.exec(msg)?.[1] ?? socket;
      if (c.finding === 'apiserver-unreachable' || c.finding === 'apiserver-connection-lost') {
        apiserverEndpoint =
          /https?:\/\/([^\s"/]+)\/apis?\//.exec(msg)?.[1] ??
          /->(\d[\d.]*:\d+): use of closed/.exec(msg)?.[1] ??
          apiserverEndpoint;
        apiserverError = apiserverErrorOf(msg) ?? apiserverError;
      }
      if (c.finding === 'eviction')
        evictedResource =
          /resourceName="([^"]+)"|attempting to reclaim (\S+)/.exec(msg)?.slice(1).find(Boolean) ?? evictedResource;
      break;
    }
  }
  const facts: Facts = {
    kubeletJournalLines: lines,
    kubeletErrorLines: errorLines,
    kubeletUnmarkedFailureLines: unmarkedFailures,
    kubeletJournalForm: journal.form,
  };
  for (const c of classes) facts[`${camel(c.finding)}Lines`] = matches.get(c.finding)?.length ?? 0;
  if (restartCounter !== undefined) facts.kubeletRestartCounter = restartCounter;
  if (plegSeconds !== undefined) facts.plegLastSeenSeconds = Math.round(plegSeconds);
  if (configPath) facts.kubeletConfigPath = configPath;
  if (socket) facts.runtimeSocket = socket;
  if (evictedResource) facts.evictionResource = evictedResource;
  if (apiserverEndpoint) facts.apiserverEndpoint = apiserverEndpoint;
  if (apiserverError) facts.apiserverError = apiserverError;
  if (lastError) facts.kubeletLastError = clip(lastError, 300);
  if (lastExit) facts.kubeletLastExit = lastExit;
  const counts = classes.map((c) => `${c.finding} ${matches.get(c.finding)?.length ?? 0}`).join(', ');
  const winner = classes.find((c) => matches.has(c.finding));
  const scope = `${lines} lines in the last ${p.sinceMinutes}m${r.truncated ? ' (output cut)' : ''}`;
  // The kubelet exits at start on an error none of the classes names (a swap, cgroup driver or CRI version refusal, a
  // flag removed by an upgrade): not quiet, and its last words are what a catalog signature reads.
  const exitError =
    lastError !== undefined &&
    (startFailure.test(lastError) || (lastExit !== undefined && !/status=(?:0|15)\b|SUCCESS|TERM/.test(lastExit)))
      ? lastError
      : undefined;
  if (!winner && exitError !== undefined) {
    facts.kubeletJournalFinding = 'exits-on-error';
    const evidence: Evidence[] = [{ label: 'last error', value: clip(exitError, 300) }];
    if (lastExit) evidence.push({ label: 'process exited', value: lastExit });
    evidence.push({ label: 'matches', value: counts }, { label: 'journal', value: scope });
    return {
      outcome: 'exits-on-error',
      summary: `the kubelet exits at start on an error no known class names${lastExit ? ` (${lastExit})` : ''}: ${clip(exitError, 160)}`,
      evidence,
      facts,
    };
  }
  if (!winner) {
    facts.kubeletJournalFinding = 'quiet';
    // No known pattern, but a kubelet that exits on an error (an unknown flag after an upgrade) says why in its last one.
    const evidence: Evidence[] = [
      { label: 'journal', value: scope },
      { label: 'matches', value: counts },
    ];
    if (lastError) evidence.push({ label: 'last error', value: clip(lastError, 300) });
    if (lastUnmarked) evidence.push({ label: 'no severity, reads as a failure', value: clip(lastUnmarked, 300) });
    if (lastExit) evidence.push({ label: 'process exited', value: lastExit });
    const why = lastExit && lastError ? `; the kubelet exited (${lastExit}) after: ${clip(lastError, 160)}` : '';
    const unmarked =
      unmarkedFailures > 0
        ? `, and ${unmarkedFailures} with no severity that read${unmarkedFailures === 1 ? 's' : ''} as a failure: ${clip(lastUnmarked ?? '', 160)}`
        : '';
    return {
      outcome: 'quiet',
      summary: `no known kubelet failure in its journal (${scope}, ${errorLines} error line${errorLines === 1 ? '' : 's'}${unmarked})${why}`,
      evidence,
      facts,
    };
  }
  facts.kubeletJournalFinding = winner.finding;
  const found = matches.get(winner.finding) ?? [];
  const evidence: Evidence[] = found
    .slice(-3)
    .map((l, i, a) => ({ label: i === a.length - 1 ? 'latest' : 'line', value: clip(l, 300) }));
  evidence.push({ label: 'matches', value: counts }, { label: 'journal', value: scope });
  const extra =
    winner.finding === 'pleg-unhealthy' && plegSeconds !== undefined
      ? // 2562047h47m16.854775807s is Go's largest duration: the kubelet's zero time, i.e. no relist has completed since it started.
        plegSeconds >= 9e9
        ? ' (no relist has completed since the kubelet started: "last seen active 2562047h47m16s ago" is Go\'s largest duration)'
        : ` (last active ${Math.round(plegSeconds)}s ago)`
      : winner.finding === 'config-missing' && configPath
        ? ` (${configPath})`
        : winner.finding === 'runtime-unreachable' && socket
          ? ` (${socket})`
          : (winner.finding === 'apiserver-unreachable' || winner.finding === 'apiserver-connection-lost') &&
              apiserverEndpoint
            ? ` (${apiserverEndpoint}: ${apiserverError ?? 'error'})`
            : '';
  return {
    outcome: winner.finding,
    summary: `${winner.meaning}${extra}: ${found.length} matching journal lines`,
    evidence,
    facts,
  };
}

/** The network error a failed API request ends on, as Go words it. */
function apiserverErrorOf(msg: string): string | undefined {
  return /(Proxy Authentication Required|proxyconnect tcp: [^"]{0,120}|use of closed network connection|http2: client connection (?:lost|force closed)|i\/o timeout|connect: (?:connection refused|no route to host|network is unreachable)|Client\.Timeout exceeded[^)"]*|TLS handshake timeout|request canceled[^"(]*|connection reset by peer|context deadline exceeded)/
    .exec(msg)?.[1]
    ?.trim();
}

function camel(s: string): string {
  return s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export const kubeletJournal = defineHostCheck({
  id: 'host.kubelet-journal',
  title: "kubelet's recent journal, classified",
  why: 'The kubelet says in its own log why it is unhealthy: a missing config file, an expired certificate, an unreachable or hung runtime, systemd not creating cgroups, a stalled PLEG, an API server it cannot reach, or evictions each read differently.',
  params,
  outcomes,
  healthy: ['quiet'],
  facts: [
    'kubeletJournalFinding',
    'kubeletLastError',
    'kubeletLastExit',
    'kubeletJournalLines',
    'kubeletErrorLines',
    'kubeletUnmarkedFailureLines',
    'kubeletJournalForm',
    'configMissingLines',
    'certificateLines',
    'runtimeUnreachableLines',
    'plegUnhealthyLines',
    'evictionLines',
    'systemdCgroupLines',
    'runtimeTimeoutLines',
    'apiserverConnectionLostLines',
    'apiserverUnreachableLines',
    'apiserverEndpoint',
    'apiserverError',
    'kubeletRestartCounter',
    'plegLastSeenSeconds',
    'kubeletConfigPath',
    'runtimeSocket',
    'evictionResource',
  ],
  sets: { '*': ['kubeletJournalFinding'], 'exits-on-error': ['kubeletJournalFinding', 'kubeletLastError'] },
  // Under the engine's 30 s step timeout, so a slow journal is our timeout error, not the walk's.
  timeoutMs: 25_000,
  argv: kubeletJournalArgv,
  parse: parseKubeletJournal,
});
