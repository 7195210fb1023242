import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ranOutput } from './helpers.js';
import { ipamdRecords, looksLikeAws, parseAwsCniLog } from '../../../src/checks/host/awsCniLog.js';

const pasted = readFileSync(
  new URL('../../../scenarios/real/raw/rk-eks-karpenter-cni-policy-1185/ipamd.log', import.meta.url),
  'utf8',
);
const run = ranOutput;

describe('host.aws-cni-log: ipamd on an EC2 node', () => {
  it('karpenter#1185: the paste wrapped one JSON line over three; joined back, it is one error with its message', () => {
    expect(ipamdRecords(pasted)).toEqual([
      '{"level":"error","ts":"2022-01-19T14:52:50.585Z","caller":"ipamd/ipamd.go:444","msg":"Failed to call ec2:DescribeNetworkInterfaces for [eni-0b70601dc9523f511]: UnauthorizedOperation: You are not authorized to perform this operation.\\n\\tstatus code: 403, request id: f4fab8d0-6cd2-411b-972f-2445b5ebff3b"}',
    ]);
    const r = parseAwsCniLog(run(pasted), { node: 'ip-192-168-27-114.ec2.internal' });
    expect(r.outcome).toBe('errors');
    expect(r.facts).toMatchObject({ ipamdErrorLines: 1 });
    expect(r.facts.ipamdLastError).toContain(
      'Failed to call ec2:DescribeNetworkInterfaces for [eni-0b70601dc9523f511]: UnauthorizedOperation',
    );
  });

  it('info lines only: quiet', () => {
    const r = parseAwsCniLog(
      run('{"level":"info","ts":"2022-01-19T14:50:00.000Z","caller":"ipamd/ipamd.go:412","msg":"Starting L-IPAMD"}\n'),
      { node: 'ip-10-0-1-2.ec2.internal' },
    );
    expect(r.outcome).toBe('quiet');
  });

  it('no ipamd log: the node does not run the VPC CNI, not applicable (never a blind spot)', () => {
    const r = parseAwsCniLog(
      run('', "tail: cannot open '/var/log/aws-routed-eni/ipamd.log' for reading: No such file or directory", 1),
      { node: 'ip-10-0-1-2.ec2.internal' },
    );
    expect(r.outcome).toBe('error');
    expect(r.facts.errorKind).toBe('not-applicable');
  });

  it('an EC2 node by its name or provider id; a kubeadm worker is not', () => {
    expect(looksLikeAws({ name: 'ip-192-168-27-114.ec2.internal' })).toBe(true);
    expect(looksLikeAws({ name: 'ip-172-31-24-149.us-east-2.compute.internal' })).toBe(true);
    expect(looksLikeAws({ name: 'node-7', providerID: 'aws:///eu-west-1a/i-0abc' })).toBe(true);
    expect(looksLikeAws({ name: 'worker-1' })).toBe(false);
  });
});
