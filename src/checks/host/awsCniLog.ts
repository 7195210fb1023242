import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import { notApplicableKind } from '../types.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult } from '../types.js';
import { shellQuote } from '../../nodeaccess/quote.js';
import { clip, hostError, nodeParam, withAnsweredBy } from './define.js';

const outcomes = ['errors', 'quiet'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({ node: nodeParam });
type Params = z.infer<typeof params>;

/** Where the AWS VPC CNI's ipamd (in the aws-node pod) writes its own log on the node. */
export const ipamdLog = '/var/log/aws-routed-eni/ipamd.log';

export function awsCniLogArgv(_p: Params): string[] {
  return ['tail', '-n', '300', ipamdLog];
}

/** EC2 names its instances ip-a-b-c-d.ec2.internal or .REGION.compute.internal; the AWS cloud provider sets aws:// ids. */
export function looksLikeAws(node: { name: string; providerID?: string }): boolean {
  return node.providerID?.startsWith('aws://') === true || /\.(ec2|compute)\.internal$/.test(node.name);
}

/**
 * ipamd logs one JSON object a line ({"level":"error",...,"msg":"..."}), whose strings
 * escape their newlines: a line break before anything but `{` is a paste's wrap
 * (karpenter#1185 broke one mid-word), so the pieces are joined back as they were.
 */
export function ipamdRecords(text: string): string[] {
  return text
    .split(/\n(?=\{)/)
    .map((l) => l.replace(/\r?\n/g, '').trim())
    .filter((l) => l !== '');
}

export function parseAwsCniLog(r: RunResult, _p: Params): CheckResult<Outcome> {
  const text = r.stdout;
  if (/No such file or directory/.test(r.stderr) || (r.exitCode !== 0 && text.trim() === ''))
    return hostError(`no ${ipamdLog} on this node: it does not run the AWS VPC CNI`, notApplicableKind);
  const records = ipamdRecords(text);
  const errors = records.filter((l) => /"level":"(error|fatal)"/.test(l));
  if (errors.length === 0)
    return {
      outcome: 'quiet',
      summary: `ipamd logged no error in its last ${records.length} lines`,
      evidence: [{ label: ipamdLog, value: `${records.length} lines, no error` }],
      facts: { ipamdErrorLines: 0 },
    };
  const last = errors.at(-1) ?? '';
  const msg = /"msg":"((?:[^"\\]|\\.)*)"/.exec(last)?.[1] ?? last;
  return {
    outcome: 'errors',
    summary: `ipamd (the AWS VPC CNI's IP address manager) logged ${errors.length} error line${errors.length === 1 ? '' : 's'}; the last: ${clip(msg, 200)}`,
    evidence: [{ label: ipamdLog, value: clip(last, 400) }],
    facts: { ipamdErrorLines: errors.length, ipamdLastError: clip(msg, 300) },
  };
}

export const hostAwsCniLog = defineCheck({
  id: 'host.aws-cni-log',
  layer: 'host',
  title: "The AWS VPC CNI's own log on the node (ipamd)",
  why: "On EKS a node turns Ready only when the VPC CNI's ipamd has set up its ENIs and written the CNI config; when it cannot (no EC2 permission on the node's role, no free IP in the subnet), the kubelet only says the network plugin is not ready, and the reason is in ipamd's log on the node.",
  params,
  outcomes,
  healthy: ['quiet'],
  facts: ['ipamdErrorLines', 'ipamdLastError'],
  sets: { errors: ['ipamdErrorLines', 'ipamdLastError'], quiet: ['ipamdErrorLines'] },
  command: (p) => shellQuote(awsCniLogArgv(p)),
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const node = await ifExists(ctx.kube.readNode(p.node));
    const providerID = node?.spec?.providerID;
    if (!looksLikeAws({ name: p.node, ...(providerID ? { providerID } : {}) }))
      return hostError(
        `${p.node} is not an EC2 instance (by its name and provider id): no AWS VPC CNI to read`,
        notApplicableKind,
      );
    const r = await ctx.nodes.run(p.node, awsCniLogArgv(p), { timeoutMs: 20_000, signal: ctx.signal });
    // The records, not the wrapped lines, are what the signature catalog reads.
    return withAnsweredBy({ ...parseAwsCniLog(r, p), raw: ipamdRecords(r.stdout).join('\n') }, [r]);
  },
});
