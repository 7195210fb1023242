import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence } from '../types.js';
import { allOutput, clip, hostError, nodeParam } from './define.js';
import { isError, parseJournal } from './journal.js';
import type { JournalEntry } from './journal.js';
import { defineHostStepsCheck } from './sequence.js';
import type { RanStep } from './sequence.js';

const outcomes = ['errors', 'quiet', 'no-kubelet-unit'] as const;
type Outcome = (typeof outcomes)[number];

/**
 * The units a node's Kubernetes runs as, whatever the distribution: kubeadm's
 * kubelet and its runtime, k3s and rke2 (server or agent: the kubelet, the
 * runtime and, on servers, the control plane in one process), and MicroK8s's
 * snap daemons (kubelite holds the kubelet). In this order in the journal command.
 */
export const kubernetesUnits = [
  'kubelet',
  'containerd',
  'docker',
  'crio',
  'cri-docker',
  'k3s',
  'k3s-agent',
  'rke2-server',
  'rke2-agent',
  'snap.microk8s.daemon-kubelite',
  'snap.microk8s.daemon-containerd',
  'snap.microk8s.daemon-k8s-dqlite',
] as const;

/** The units that run a kubelet: kubeadm's own, or inside k3s, rke2 and MicroK8s's kubelite. */
export const kubeletUnits = [
  'kubelet',
  'k3s',
  'k3s-agent',
  'rke2-server',
  'rke2-agent',
  'snap.microk8s.daemon-kubelite',
] as const;

const params = z.object({
  node: nodeParam,
  sinceMinutes: z.coerce.number().int().positive().default(30),
  maxLines: z.coerce.number().int().positive().default(3000),
});
type Params = z.infer<typeof params>;

/** Which of them the node has: systemd lists only units it knows (loaded, or failed to load). */
export function listUnitsArgv(): string[] {
  return [
    'systemctl',
    'list-units',
    '--all',
    '--no-pager',
    '--no-legend',
    ...kubernetesUnits.map((u) => `${u}.service`),
  ];
}

/** The journals of the units found, in one command (journalctl interleaves them by time). */
export function serviceJournalsArgv(
  units: readonly string[],
  p: Pick<Params, 'sinceMinutes' | 'maxLines'> = { sinceMinutes: 30, maxLines: 3000 },
): string[] {
  const ordered = kubernetesUnits.filter((u) => units.includes(u));
  return [
    'journalctl',
    ...ordered.flatMap((u) => ['-u', u]),
    `--since=-${p.sinceMinutes}m`,
    '-o',
    'short-iso',
    '--no-pager',
    '-n',
    String(p.maxLines),
  ];
}

/** `  k3s.service  loaded active running Lightweight Kubernetes` (● before a failed one); not-found units are not there. */
const unitRow =
  /^[\s●*×]*([\w@.:-]+)\.service\s+(loaded|not-found|masked|error|bad-setting)\s+(\S+)\s+(\S+)(?:\s+(.*))?$/;

export interface UnitRow {
  unit: string;
  load: string;
  active: string;
  sub: string;
}

export function readUnitRows(text: string): UnitRow[] {
  const out: UnitRow[] = [];
  for (const line of text.split('\n')) {
    const m = unitRow.exec(line.trimEnd());
    if (m?.[1] && (kubernetesUnits as readonly string[]).includes(m[1]))
      out.push({ unit: m[1], load: m[2] ?? '', active: m[3] ?? '', sub: m[4] ?? '' });
  }
  return out;
}

export function serviceJournalsNext(p: Params, ran: readonly RanStep[]): string[] | undefined {
  if (ran.length !== 1) return undefined;
  const first = ran[0]?.result;
  if (!first) return undefined;
  const units = readUnitRows(allOutput(first))
    .filter((u) => u.load === 'loaded')
    .map((u) => u.unit);
  return units.length > 0 ? serviceJournalsArgv(units, p) : undefined;
}

/** An error-level line: the process's own level (klog E/F, logrus error/fatal, JSON err), or systemd saying the unit failed. */
function isServiceError(e: JournalEntry): boolean {
  if (isError(e)) return true;
  return (
    e.severity === undefined &&
    /\b(?:failed|error|fatal|panic)\b/i.test(e.message) &&
    !/level=(?:info|debug|warn)/.test(e.message)
  );
}

export function parseServiceJournals(r: RunResult): CheckResult<Outcome> {
  const text = allOutput(r);
  const rows = readUnitRows(text);
  const rest = text
    .split('\n')
    .filter((l) => !unitRow.test(l.trimEnd()))
    .join('\n');
  const journal = parseJournal(rest);
  const loaded = rows.filter((u) => u.load === 'loaded');
  const units = loaded.map((u) => `${u.unit} (${u.active}/${u.sub})`);
  const kubelet = loaded.find((u) => (kubeletUnits as readonly string[]).includes(u.unit))?.unit;
  if (rows.length === 0) {
    if (/System has not been booted with systemd|Failed to connect to bus/.test(text))
      return hostError(`systemctl could not list units: ${clip(text.trim().split('\n')[0] ?? '')}`, 'no-systemd');
    if (journal.entries.length === 0 && journal.noJournal)
      return hostError('journalctl found no journal on this node', 'no-journal', [
        { label: 'journalctl', value: journal.markers[0] ?? '' },
      ]);
  }
  // systemd answered the listing: a node with none of the kubelet's units runs no kubelet at all.
  if (!kubelet && (rows.length > 0 || (journal.entries.length === 0 && !journal.noEntries && text.trim() === ''))) {
    return {
      outcome: 'no-kubelet-unit',
      summary: `systemd has no unit that runs a kubelet (kubelet, k3s, k3s-agent, rke2-server, rke2-agent, snap.microk8s.daemon-kubelite)${units.length > 0 ? `; it has ${units.join(', ')}` : ''}`,
      evidence: rows.map((u) => ({ label: `${u.unit}.service`, value: `${u.load} ${u.active} ${u.sub}` })),
      facts: { serviceUnits: units.join(', ') || 'none' },
    };
  }
  const idents = [...new Set(journal.entries.map((e) => e.ident).filter((i): i is string => i !== undefined))];
  const facts = {
    serviceUnits: units.join(', ') || idents.join(', ') || 'the pasted journal',
    ...(kubelet ? { kubeletUnit: kubelet } : {}),
  };
  const errors = journal.entries.filter(isServiceError);
  if (errors.length === 0) {
    const seen =
      journal.entries.length === 0
        ? 'no journal lines in the window'
        : `${journal.entries.length} journal lines, no error-level line`;
    return {
      outcome: 'quiet',
      summary: `${facts.serviceUnits}: ${seen}`,
      evidence: [],
      facts: { ...facts, serviceErrorLines: 0 },
    };
  }
  const last = errors.at(-1) as JournalEntry;
  // journalctl -u takes a unit, not a line's identifier ('sh', 'systemd', or none when the paste has no prefix).
  const unitNames =
    loaded.length > 0
      ? loaded.map((u) => u.unit)
      : idents.filter((i) => (kubeletUnits as readonly string[]).includes(i));
  const journalUnit =
    last.ident && unitNames.includes(last.ident) ? last.ident : (kubelet ?? unitNames[0] ?? last.ident ?? 'kubelet');
  const firstBy = new Map<string, JournalEntry>();
  for (const e of errors) if (!firstBy.has(e.ident ?? '')) firstBy.set(e.ident ?? '', e);
  const evidence: Evidence[] = [...firstBy.entries()]
    .slice(0, 4)
    .map(([ident, e]) => ({ label: ident || 'journal', value: clip(e.msg ?? e.message) }));
  if (![...firstBy.values()].includes(last))
    evidence.push({ label: `last error (${last.ident ?? 'journal'})`, value: clip(last.msg ?? last.message) });
  return {
    outcome: 'errors',
    summary: `${errors.length} error line${errors.length === 1 ? '' : 's'} in the journals of ${facts.serviceUnits}; the last (${last.ident ?? 'journal'}): ${clip(last.msg ?? last.message, 160)}`,
    evidence,
    facts: {
      ...facts,
      serviceErrorLines: errors.length,
      serviceLastError: clip(last.msg ?? last.message),
      serviceLastErrorUnit: last.ident ?? 'journal',
      serviceJournalUnit: journalUnit,
    },
  };
}

export const serviceJournals = defineHostStepsCheck({
  id: 'host.service-journals',
  title: "the journals of the node's Kubernetes services (kubelet, runtime, k3s, rke2, MicroK8s)",
  why: "Each distribution runs Kubernetes under its own unit names: kubeadm's kubelet and containerd, k3s or rke2 with the kubelet inside one process, MicroK8s's kubelite. systemd says which the node has; their journals hold the errors the API never shows.",
  params,
  outcomes,
  healthy: ['quiet'],
  facts: [
    'serviceUnits',
    'kubeletUnit',
    'serviceErrorLines',
    'serviceLastError',
    'serviceLastErrorUnit',
    'serviceJournalUnit',
  ],
  sets: {
    '*': ['serviceUnits'],
    errors: ['serviceErrorLines', 'serviceLastError', 'serviceLastErrorUnit', 'serviceJournalUnit'],
  },
  argv: () => listUnitsArgv(),
  // Runs as printed: journalctl shows nothing for a unit the node lacks, so every candidate unit can be named.
  describe: (p) => `${listUnitsArgv().join(' ')}; ${serviceJournalsArgv(kubernetesUnits, p).join(' ')}`,
  next: serviceJournalsNext,
  parse: parseServiceJournals,
});
