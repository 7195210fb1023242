import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { allOutput, clip, hostError, nodeParam } from './define.js';
import { defineHostSequenceCheck } from './sequence.js';

const outcomes = ['synced', 'not-synced', 'offset-large', 'no-time-service'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  node: nodeParam,
  /**
   * etcd warns of clock drift between members above 1 s; two nodes each half a
   * second off in opposite directions are already there. Certificates issued by
   * one node are "not yet valid" on another that is behind.
   */
  maxOffsetMs: z.coerce.number().positive().default(500),
});
type Params = z.infer<typeof params>;

export function timeSyncArgv(_p: Params): string[] {
  return ['timedatectl', 'show'];
}

const chronycArgv = ['chronyc', 'tracking'];

interface Timedated {
  ntp?: string;
  canNtp?: string;
  synchronized?: string;
  timezone?: string;
  /** Read from plain `timedatectl` (status) output, not `timedatectl show`. */
  status?: boolean;
}

interface Chrony {
  /** Seconds the system clock is ahead (+) or behind (-) true time. */
  offsetSeconds?: number;
  offsetLine?: string;
  leap?: string;
  reference?: string;
  stratum?: number;
}

/** `timedatectl show`: Key=Value lines of org.freedesktop.timedate1. */
function readTimedated(text: string): Timedated | undefined {
  const props = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(Timezone|LocalRTC|CanNTP|NTP|NTPSynchronized|TimeUSec|RTCTimeUSec)=(.*)$/.exec(line.trim());
    if (m?.[1]) props.set(m[1], m[2] ?? '');
  }
  if (!props.has('NTPSynchronized')) return readTimedatectlStatus(text);
  return {
    ntp: props.get('NTP'),
    canNtp: props.get('CanNTP'),
    synchronized: props.get('NTPSynchronized'),
    timezone: props.get('Timezone'),
  };
}

/**
 * Plain `timedatectl` (status), as people paste it: systemd up to 234 prints
 * `NTP synchronized: no` and `NTP enabled:` (or `Network time on:`), 235-238
 * `System clock synchronized:` and `systemd-timesyncd.service active:`, 239+
 * `NTP service: active|inactive|n/a`. Read as the properties `timedatectl show` gives.
 */
function readTimedatectlStatus(text: string): Timedated | undefined {
  const field = (re: RegExp) => re.exec(text)?.[1];
  const synchronized = field(/^\s*(?:NTP synchronized|System clock synchronized):\s*(yes|no)\s*$/m);
  if (!synchronized) return undefined;
  const enabled = field(
    /^\s*(?:NTP enabled|Network time on|systemd-timesyncd\.service active):\s*(yes|no|n\/a)\s*$/im,
  )?.toLowerCase();
  const service = field(/^\s*NTP service:\s*(active|inactive|n\/a)\s*$/im)?.toLowerCase();
  const ntp = service ? (service === 'active' ? 'yes' : 'no') : enabled === 'n/a' ? 'no' : enabled;
  const canNtp = service === 'n/a' || enabled === 'n/a' ? 'no' : service || enabled ? 'yes' : undefined;
  return { ntp, canNtp, synchronized, timezone: field(/^\s*Time zone:\s*(\S+)/m), status: true };
}

/** `chronyc tracking`: `Field   : value` lines. */
function readChrony(text: string): Chrony | undefined {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(Reference ID|Stratum|System time|Leap status)\s*:\s*(.*)$/.exec(line.trim());
    if (m?.[1]) fields.set(m[1], (m[2] ?? '').trim());
  }
  if (!fields.has('Leap status') && !fields.has('System time')) return undefined;
  const sys = fields.get('System time') ?? '';
  const off = /^([\d.]+) seconds (fast|slow) of NTP time$/.exec(sys);
  return {
    offsetSeconds: off ? Number(off[1]) * (off[2] === 'slow' ? -1 : 1) : undefined,
    offsetLine: sys || undefined,
    leap: fields.get('Leap status'),
    reference: fields.get('Reference ID'),
    stratum: fields.has('Stratum') ? Number(fields.get('Stratum')) : undefined,
  };
}

const noSystemd =
  /System has not been booted with systemd as init system|Failed to connect to bus|Failed to create bus connection/;
const chronydDown = /506 Cannot talk to daemon|Could not (?:open|connect to) .*chronyd\.sock/;
const chronycMissing = /chronyc: (?:command )?not found|chronyc.*No such file or directory/;

function ms(seconds: number): number {
  return Math.round(seconds * 1_000_000) / 1000;
}

export function parseTimeSync(r: RunResult, p: Params): CheckResult<Outcome> {
  const text = allOutput(r);
  const td = readTimedated(text);
  const ch = readChrony(text);
  const evidence: Evidence[] = [];
  const facts: Facts = {};
  if (td) {
    evidence.push({
      label: td.status ? 'timedatectl (status, pasted)' : 'timedatectl show',
      value: `NTPSynchronized=${td.synchronized ?? '?'} NTP=${td.ntp ?? '?'} CanNTP=${td.canNtp ?? '?'}`,
    });
    facts.ntpSynchronized = td.synchronized === 'yes';
    facts.ntpServiceEnabled = td.ntp === 'yes';
  } else if (noSystemd.test(text)) {
    evidence.push({
      label: 'timedatectl',
      value: 'systemd is not running on this host (PID 1 is not systemd): timedatectl cannot ask it',
    });
  }
  if (ch) {
    evidence.push({
      label: 'chronyc tracking',
      value: `Leap status: ${ch.leap ?? '?'}; System time: ${ch.offsetLine ?? '?'}; Reference ID: ${ch.reference ?? '?'}`,
    });
    if (ch.leap) facts.chronyLeapStatus = ch.leap;
    if (ch.offsetSeconds !== undefined) facts.clockOffsetMs = ms(ch.offsetSeconds);
  } else if (chronydDown.test(text)) {
    evidence.push({
      label: 'chronyc tracking',
      value:
        clip(/.*(?:506 Cannot talk to daemon|chronyd\.sock).*/.exec(text)?.[0] ?? '506 Cannot talk to daemon') +
        ' (chronyd is not running)',
    });
  } else if (chronycMissing.test(text)) {
    evidence.push({ label: 'chronyc', value: 'not installed' });
  }

  if (!td && !ch) {
    if (chronydDown.test(text) && !noSystemd.test(text)) {
      return {
        outcome: 'no-time-service',
        summary:
          'chronyd is not running (chronyc: 506 Cannot talk to daemon) and timedatectl gave no answer: nothing keeps this clock in time',
        evidence,
        facts: { ...facts, timeService: 'none' },
      };
    }
    if (noSystemd.test(text)) {
      return hostError(
        'could not tell: timedatectl needs systemd, which is not PID 1 on this host, and chronyc gave no tracking data',
        'no-systemd',
        evidence,
      );
    }
    return hostError(
      'neither `timedatectl show` nor `chronyc tracking` printed what they print',
      'bad-output',
      evidence,
    );
  }

  if (ch && ch.leap !== 'Not synchronised') {
    facts.timeService = 'chronyd';
    const off = ch.offsetSeconds;
    if (off !== undefined && Math.abs(off) * 1000 > p.maxOffsetMs) {
      const dir = off < 0 ? 'behind' : 'ahead of';
      return {
        outcome: 'offset-large',
        summary: `the clock is ${ms(Math.abs(off))} ms ${dir} NTP time (more than ${p.maxOffsetMs} ms): chronyd is still slewing it, so certificates, tokens and etcd see a skewed clock`,
        evidence,
        facts,
      };
    }
    return {
      outcome: 'synced',
      summary: `chronyd keeps the clock in time (${ch.offsetLine ?? 'offset unknown'}, ${ch.leap ?? 'leap status unknown'})`,
      evidence,
      facts,
    };
  }
  if (td?.synchronized === 'yes') {
    facts.timeService = ch ? 'chronyd' : 'timedated';
    return {
      outcome: 'synced',
      summary: 'the kernel says the clock is synchronised (timedatectl NTPSynchronized=yes)',
      evidence,
      facts,
    };
  }
  if (ch?.leap === 'Not synchronised') {
    facts.timeService = 'chronyd';
    return {
      outcome: 'not-synced',
      summary: `chronyd runs but is not synchronised to any source (Reference ID ${ch.reference ?? '?'}): its servers are unreachable or rejected`,
      evidence,
      facts,
    };
  }
  if (td && td.ntp !== 'yes' && !ch) {
    facts.timeService = 'none';
    return {
      outcome: 'no-time-service',
      summary: `no NTP service is enabled (timedatectl NTP=${td.ntp ?? '?'}${td.canNtp === 'no' ? ', CanNTP=no: timedated knows none it can manage; a chronyd or ntpd it does not manage would not show here, chronyc tracking would' : ''}) and the clock is not synchronised`,
      evidence,
      facts,
    };
  }
  facts.timeService = 'timedated';
  return {
    outcome: 'not-synced',
    summary:
      'an NTP service is enabled but the clock is not synchronised yet (timedatectl NTPSynchronized=no): its servers may be unreachable',
    evidence,
    facts,
  };
}

export const timeSync = defineHostSequenceCheck({
  id: 'host.time-sync',
  title: 'clock synchronisation (timedatectl, chronyc)',
  why: 'TLS certificates, service-account tokens, leases and etcd all compare clocks: a node whose clock drifts sees valid certificates as expired or not yet valid, and etcd members warn of clock drift above one second.',
  params,
  outcomes,
  healthy: ['synced'],
  facts: ['ntpSynchronized', 'ntpServiceEnabled', 'chronyLeapStatus', 'clockOffsetMs', 'timeService'],
  sets: {
    '*': ['timeService'],
    synced: ['ntpSynchronized', 'clockOffsetMs'],
    'not-synced': ['ntpSynchronized', 'clockOffsetMs'],
    'offset-large': ['ntpSynchronized', 'clockOffsetMs'],
  },
  argv: timeSyncArgv,
  commands: (p) => [timeSyncArgv(p), chronycArgv],
  parse: parseTimeSync,
});
