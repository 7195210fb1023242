/**
 * Known failure lines in container logs, by class. Most decisive first: a
 * missing module explains the "failed to start" line that follows it, and a
 * panic explains the error lines before it.
 */

export type LogClass =
  | 'missing-binary-or-module'
  | 'panic'
  | 'permission-denied'
  | 'dependency-unreachable'
  | 'startup-step-failed'
  | 'error-lines';

export const logClasses: readonly LogClass[] = [
  'missing-binary-or-module',
  'panic',
  'permission-denied',
  'dependency-unreachable',
  'startup-step-failed',
  'error-lines',
];

export interface LogMatch {
  class: LogClass;
  line: string;
  /** 0-based index of the line in the text it came from. */
  index: number;
  /** What the line names: the module, binary, host:port or step. */
  detail?: string;
}

interface Pattern {
  re: RegExp;
  /** Pulls the named thing out of a matching line. */
  detail?: (m: RegExpExecArray) => string | undefined;
}

const patterns: Record<LogClass, Pattern[]> = {
  'missing-binary-or-module': [
    { re: /modprobe: FATAL: Module (\S+) not found/, detail: (m) => `kernel module ${m[1]}` },
    { re: /exec: "([^"]+)": executable file not found in \$PATH/, detail: (m) => m[1] },
    // Go's os/exec for an absolute path that is not there (Cloudpods' qemu binary).
    { re: /exec: "([^"]+)": stat \S+: no such file or directory/, detail: (m) => m[1] },
    { re: /exec (\S+): no such file or directory/, detail: (m) => m[1] },
    { re: /(?:^|\s)(\S+): command not found/, detail: (m) => m[1] },
    { re: /\d+: (\S+): not found$/, detail: (m) => m[1] },
    { re: /error while loading shared libraries: (\S+?):/, detail: (m) => m[1] },
    { re: /ModuleNotFoundError: No module named '([^']+)'/, detail: (m) => `python module ${m[1]}` },
    { re: /Cannot find module '([^']+)'/, detail: (m) => `node module ${m[1]}` },
    { re: /which: no (\S+) in \(/, detail: (m) => m[1] },
    { re: /ClassNotFoundException: (\S+)/, detail: (m) => m[1] },
  ],
  panic: [
    { re: /^panic: (.*)/, detail: (m) => m[1] },
    { re: /^goroutine \d+ \[running\]:/ },
    { re: /^fatal error: (.*)/, detail: (m) => m[1] },
    { re: /^Traceback \(most recent call last\):/ },
    { re: /^Exception in thread "[^"]+" (\S+)/, detail: (m) => m[1] },
    { re: /\[signal SIGSEGV|Segmentation fault|SIGSEGV/ },
    { re: /Unhandled(?:Promise)?Rejection|uncaughtException/ },
  ],
  'permission-denied': [
    { re: /(?:open|mkdir|stat|bind|listen|create|write|read)\s+(\S+?):? permission denied/i, detail: (m) => m[1] },
    { re: /permission denied|EACCES|Operation not permitted|read-only file system/i },
  ],
  'dependency-unreachable': [
    { re: /dial tcp (\S+?): connect: connection refused/, detail: (m) => m[1] },
    { re: /dial tcp: lookup ([\w.-]+)(?: on [\d.:]+)?: no such host/, detail: (m) => m[1] },
    {
      re: /dial tcp (\S+?): (?:i\/o timeout|connect: no route to host|connect: network is unreachable)/,
      detail: (m) => m[1],
    },
    { re: /connect ECONNREFUSED (\S+)/, detail: (m) => m[1] },
    // curl, as the Rancher agent runs it, when DNS does not know the server.
    { re: /Could not resolve host: ([\w.-]+)/, detail: (m) => m[1] },
    // OVS/OVN reconnect lines: `tcp:10.0.0.5:32242: connection attempt failed (Connection refused)`.
    { re: /((?:tcp|ssl|unix):\S+?): connection attempt failed/, detail: (m) => m[1] },
    // ovs-vsctl when ovsdb-server is not running (openvswitch down on the host).
    { re: /(unix:\S+?|tcp:\S+?): database connection failed/, detail: (m) => `ovsdb ${m[1]}` },
    { re: /getaddrinfo ENOTFOUND (\S+)/, detail: (m) => m[1] },
    { re: /Can't connect to (?:local )?MySQL server on '?([\w.:-]+)/, detail: (m) => m[1] },
    {
      re: /[Cc]ould not connect to (?:server|database|redis|broker)|[Cc]onnection refused|ECONNREFUSED|[Cc]onnection timed out|No route to host/,
    },
  ],
  'startup-step-failed': [
    // Cloudpods' host service wraps the failed step: `Host instance init error: Prepare environment: hugepage 1024 nr 0`.
    { re: /Host instance init error: (.*)/, detail: (m) => m[1] },
    // glog/klog fatal (F0102 ...), Cloudpods/yunion ([F 240102 ...]), logrus/zap fatal, or "failed to <start-up verb>".
    { re: /^F\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ \S+\] (.*)/, detail: (m) => m[1] },
    // yunion logs print `[fatal 240102 ...]` until their config is read, then `[fatal 2025-10-22 ...]`.
    { re: /^\[(?:F|fatal) (?:\d{6}|\d{4}-\d{2}-\d{2}) [\d:]+ [^\]]*\] (.*)/, detail: (m) => m[1] },
    { re: /level=fatal.*msg="([^"]*)"/, detail: (m) => m[1] },
    // A file the program needs at start-up is not there (`stat telegraf config file error stat /etc/telegraf/telegraf.conf: no such file or directory`).
    {
      re: /\b(?:stat|open|read|load)\b[^:]*?\s(\/[^\s:]+):? no such file or directory/i,
      detail: (m) => `missing file ${m[1]}`,
    },
    { re: /"level":"fatal".*"msg":"([^"]*)"/, detail: (m) => m[1] },
    {
      re: /\b(?:failed to|fail to|unable to|cannot|could not|can't)\s+((?:init|initiali[sz]e|start|prepare|set ?up|setup|load|mount|configure|bind|register|probe|detect|enable|create|open|read config)\b[^:]*)/i,
      detail: (m) => m[1]?.trim(),
    },
    {
      re: /\b((?:init|initiali[sz]ation|start-?up|prepare|setup)[\w -]* (?:failed|fail|error))\b/i,
      detail: (m) => m[1],
    },
  ],
  'error-lines': [
    { re: /^E\d{4} |^\[(?:E|error) (?:\d{6}|\d{4}-\d{2}-\d{2})|\blevel=error\b|"level":"error"|\bERROR\b|^Error: / },
  ],
};

/** Lines that look like an error but are routine, so they never decide. */
const noise = [/\b(?:no error|errors?=0|error_count=0)\b/i, /\blevel=(?:info|debug)\b/];

/** Every classified line of a log text, in order. */
export function classifyLog(text: string): LogMatch[] {
  const out: LogMatch[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = stripTimestamp(raw).trimEnd();
    if (!line || noise.some((re) => re.test(line))) return;
    for (const cls of logClasses) {
      for (const p of patterns[cls]) {
        const m = p.re.exec(line);
        if (!m) continue;
        const detail = p.detail?.(m);
        out.push(detail ? { class: cls, line, index, detail } : { class: cls, line, index });
        return;
      }
    }
  });
  return out;
}

/**
 * The deciding match: the most decisive class, at its last occurrence (closest
 * to the end), except a panic, whose first line carries the message and the rest the stack.
 */
export function decisive<M extends LogMatch>(matches: M[]): M | undefined {
  for (const cls of logClasses) {
    const hits = matches.filter((m) => m.class === cls);
    const hit = cls === 'panic' ? hits[0] : hits[hits.length - 1];
    if (hit) return hit;
  }
  return undefined;
}

/** The kubelet's `timestamps=true` prefix, which is not the program's own text. */
function stripTimestamp(line: string): string {
  return line.replace(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}) /, '');
}
