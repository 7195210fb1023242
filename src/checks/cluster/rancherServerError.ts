import { z } from 'zod';
import { quoteArg } from '../../nodeaccess/quote.js';
import { agentLogClasses, classifyAgentLog, decisiveAgentLine } from '../pod/rancherAgentLogs.js';
import type { AgentLogClass, AgentLogMatch } from '../pod/rancherAgentLogs.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Facts } from '../types.js';

/**
 * The Rancher server's side of a failed tunnel, as a person pasted it from the
 * Rancher cluster (`--set serverError=...`): plumbline's context is the
 * downstream cluster, so the server's log is not something it can read. The
 * server words the same failures as the agent does (x509, cluster not found,
 * a bad handshake), so the agent's classifier reads its line too.
 */
const outcomes = ['none', ...agentLogClasses, 'other-error'] as const;
type Outcome = (typeof outcomes)[number];

/**
 * The server's own words when it refuses an agent's tunnel (rancher/rancher#48776): `Failed to handle tunnel request
 * from remote address 172.71.194.153:9510 (X-Forwarded-For: ...): response 400: cluster not found`, or `response 401:
 * failed authentication` (the agent's registration token is not one Rancher knows: the cluster was deleted or imported again).
 */
const tunnelRefused =
  /Failed to handle tunnel request from remote address (\S+)(?: \(X-Forwarded-For: ([^)]*)\))?: response (40[01]): (cluster not found|failed authentication)/;

function serverTunnelRefusal(lines: readonly string[]): AgentLogMatch | undefined {
  for (const [index, line] of [...lines.entries()].reverse()) {
    const m = tunnelRefused.exec(line);
    if (m)
      return {
        class: 'cluster-not-found',
        line,
        index,
        detail: `HTTP ${m[3] ?? ''}: ${m[4] ?? ''} (agent at ${m[2] ?? m[1] ?? 'an address not logged'})`,
      };
  }
  return undefined;
}

export const clusterRancherServerError = defineCheck({
  id: 'cluster.rancher-server-error',
  layer: 'cluster',
  title: "The Rancher server's error about this cluster, read for the hop it names",
  why: "When the agent's own log names no hop, the other end may: the Rancher server logs why it dropped or refused the agent's tunnel (its certificate, a cluster it does not know, a proxy in between). That log lives on the Rancher cluster, so it is pasted: kubectl -n cattle-system logs -l app=rancher --since=1h there.",
  params: z.object({
    /** A line (or lines) of the Rancher server's log about this cluster; empty when nobody looked. */
    line: z.string().default(''),
  }),
  outcomes,
  healthy: ['none'],
  facts: ['serverLogClass', 'serverLogLine', 'serverLogDetail'],
  sets: { '*': ['serverLogClass'] },
  // Nothing to run here: the line is shown as given, shell-quoted, so copying it runs nothing else.
  command: (p) => `printf '%s\\n' ${quoteArg(p.line.trim().slice(0, 600))}`,
  run(_ctx, p): Promise<CheckResult<Outcome>> {
    const lines = p.line
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (lines.length === 0) {
      return Promise.resolve({
        outcome: 'none',
        summary: "no line of the Rancher server's log was given (--set serverError=... passes one)",
        evidence: [{ label: 'Rancher server log', value: 'not given' }],
        facts: { serverLogClass: 'none' },
      });
    }
    const chosen = serverTunnelRefusal(lines) ?? decisiveAgentLine(classifyAgentLog(lines));
    const line = chosen?.line ?? lines[0] ?? '';
    const facts: Facts = {
      serverLogClass: chosen?.class ?? 'other-error',
      serverLogLine: line.length > 600 ? `${line.slice(0, 597)}...` : line,
    };
    if (chosen?.detail) facts.serverLogDetail = chosen.detail;
    const cls: AgentLogClass | 'other-error' = chosen?.class ?? 'other-error';
    return Promise.resolve({
      outcome: cls,
      summary: chosen
        ? `the Rancher server names the hop: ${chosen.class}${chosen.detail ? ` (${chosen.detail})` : ''}`
        : 'the Rancher server logs an error no hop is known for',
      evidence: [{ label: 'Rancher server log', value: String(facts.serverLogLine) }],
      facts,
    });
  },
});
