import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { allOutput, clip, defineHostCheck, nodeParam } from './define.js';

const outcomes = ['ready', 'runtime-not-ready', 'network-not-ready', 'not-answering'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  node: nodeParam,
  /** e.g. unix:///run/containerd/containerd.sock; crictl's own config otherwise. */
  endpoint: z.string().min(1).optional(),
});
type Params = z.infer<typeof params>;

export function crictlInfoArgv(p: Params): string[] {
  return ['crictl', ...(p.endpoint ? ['--runtime-endpoint', p.endpoint] : []), 'info'];
}

interface Condition {
  type?: string;
  status?: boolean;
  reason?: string;
  message?: string;
}

/** The runtime's conditions from `crictl info`; a regex fallback when the JSON was cut at the output cap. */
function conditions(stdout: string): Condition[] | undefined {
  try {
    const doc = JSON.parse(stdout) as { status?: { conditions?: Condition[] } };
    return doc.status?.conditions;
  } catch {
    const found = [
      ...stdout.matchAll(
        /"type":\s*"(\w+)",\s*"status":\s*(true|false)(?:,\s*"reason":\s*"([^"]*)",\s*"message":\s*"((?:[^"\\]|\\.)*)")?/g,
      ),
    ];
    return found.length > 0
      ? found.map((m) => ({ type: m[1], status: m[2] === 'true', reason: m[3], message: m[4] }))
      : undefined;
  }
}

export function parseCrictlInfo(r: RunResult, _p: Params): CheckResult<Outcome> {
  const conds = r.stdout.trim().startsWith('{') ? conditions(r.stdout) : undefined;
  if (!conds) {
    // crictl logs its failure as logrus text: `time=… level=fatal msg="…"` or `FATA[0000] …`.
    const out = allOutput(r);
    const fatal =
      /level=fatal msg="((?:[^"\\]|\\.)*)"/.exec(out)?.[1]?.replace(/\\"/g, '"') ??
      /FATA\[\d+\]\s*(.*)/.exec(out)?.[1] ??
      out.trim().split('\n').at(-1) ??
      '';
    const endpoint = /endpoint "(unix:\/\/[^"]+)"/.exec(fatal)?.[1] ?? /dial unix (\/[^\s:"\\]+)/.exec(fatal)?.[1];
    const cause =
      /connect: ([^"\\]+)/.exec(fatal)?.[1] ??
      /(context deadline exceeded|Unimplemented desc = [^"\\]+)/.exec(fatal)?.[1];
    const facts: Facts = { runtimeAnswers: false };
    if (endpoint) facts.criEndpoint = endpoint;
    return {
      outcome: 'not-answering',
      summary: `the container runtime does not answer on its CRI socket${endpoint ? ` ${endpoint}` : ''}: ${cause ?? (clip(fatal, 160) || 'crictl printed nothing')}`,
      evidence: [{ label: 'crictl', value: clip(fatal || '(no output)') }],
      facts,
    };
  }
  const byType = new Map(conds.map((c) => [c.type ?? '', c]));
  const runtime = byType.get('RuntimeReady');
  const network = byType.get('NetworkReady');
  const evidence: Evidence[] = conds.map((c) => ({
    label: c.type ?? '?',
    value: `${String(c.status)}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${clip(c.message, 160)}` : ''}`,
  }));
  const facts: Facts = {
    runtimeAnswers: true,
    runtimeReady: runtime?.status === true,
    networkReady: network?.status === true,
  };
  if (runtime?.status !== true) {
    return {
      outcome: 'runtime-not-ready',
      summary: `the runtime answers but says RuntimeReady=false${runtime?.reason ? ` (${runtime.reason})` : ''}`,
      evidence,
      facts,
    };
  }
  if (network?.status !== true) {
    return {
      outcome: 'network-not-ready',
      summary: `the runtime is ready but its pod network is not (NetworkReady=false${network?.reason ? `, ${network.reason}` : ''}): the CNI plugin is not set up`,
      evidence,
      facts,
    };
  }
  return {
    outcome: 'ready',
    summary: 'the container runtime answers on its CRI socket: RuntimeReady and NetworkReady',
    evidence,
    facts,
  };
}

export const crictlInfo = defineHostCheck({
  id: 'host.crictl-info',
  title: 'container runtime answering over CRI (crictl info)',
  why: "A runtime service can be 'active' in systemd and still not answer the kubelet; crictl talks to it over the same CRI socket the kubelet uses.",
  params,
  outcomes,
  healthy: ['ready'],
  facts: ['runtimeAnswers', 'runtimeReady', 'networkReady', 'criEndpoint'],
  sets: { '*': ['runtimeAnswers'] },
  argv: crictlInfoArgv,
  parse: parseCrictlInfo,
});
