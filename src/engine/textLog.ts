import type { SessionEvent } from './events.js';
import { seeItHint } from './account.js';
import { notApplicable } from './notApplicable.js';

/** Plain-text rendering of session events, for `--output text` and terminals without a TTY. */
export function textLines(e: SessionEvent): string[] {
  switch (e.type) {
    case 'session.start':
      return [
        `plumbline · ${e.runbook} (${e.runbookTitle}) · ${e.mode === 'drill' ? `drill ${e.scenario ?? ''}` : `context ${e.context}`}`,
      ];
    case 'step.enter':
      return e.kind === 'diagnosis'
        ? []
        : ['', `[${e.layer}] ${e.title}${e.phase === 'bottom-up' ? '  (bottom-up)' : ''}`, `  why: ${e.why}`];
    case 'check.start':
      return e.command ? [`  $ ${e.command}`] : [];
    case 'check.result':
      return [
        `  → ${notApplicable(e.facts) ? 'not applicable' : e.outcome}: ${e.summary}  (${e.waitedMs === undefined ? `${e.durationMs} ms` : `output pasted after ${e.waitedMs} ms`})`,
        ...e.evidence.map((ev) => `      ${ev.label}: ${ev.value}`),
      ];
    case 'ask':
      return [
        `  ? ${e.question}`,
        ...e.choices.map((c) => `      [${c.id}] ${c.label}${c.id === e.default ? ' (default)' : ''}`),
      ];
    case 'answer':
      return [`  answered ${e.choice} (${e.by})`];
    case 'host.prompt':
      return [`  run on ${e.node}${e.sample ? ` (sample ${e.sample.index} of ${e.sample.count})` : ''}: ${e.command}`];
    case 'host.reply':
      return [
        `  ${e.by === 'pasted' ? `output pasted (${(e.output ?? '').split('\n').length} lines)` : 'not run (declined)'}${e.waitedMs === undefined ? '' : ` after ${e.waitedMs} ms waiting on the person`}`,
      ];
    case 'note':
      return [`  note: ${e.text}`];
    case 'input.prompt':
      return [`  paste ${e.input}: ${e.description}`, `    why: ${e.why}`];
    case 'input.reply':
      return [e.by === 'pasted' ? `  ${e.input} pasted: ${e.value ?? ''}` : `  ${e.input}: none given`];
    case 'action.proposed':
      return [
        `  ! action${e.node ? ` on ${e.node}` : ''}: ${e.command}`,
        ...(e.simulated ? ['    (drill: the cluster is simulated; nothing real changes)'] : []),
      ];
    case 'action.confirmed':
      return [`  confirmed (${e.by === 'user' ? 'by the user' : '--yes'})`];
    case 'action.declined':
      return e.by === 'user' ? [`  ${e.reason}`] : [`  ${e.reason}`, `    to do it yourself: ${e.command}`];
    case 'action.executed': {
      const how =
        e.status !== undefined ? `HTTP ${e.status}` : e.exitCode !== undefined ? `exit ${e.exitCode ?? 'none'}` : '';
      const head = e.ok ? `  ran: ${how}` : `  ${e.ran ? 'failed' : 'could not run'}: ${e.error ?? how}`;
      return [
        head,
        ...e.output
          .replace(/\n$/, '')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => `      ${l}`),
      ];
    }
    case 'action.verified':
      return [
        `  verify ${e.verifyStep} → ${e.outcome}: ${e.summary}${e.attempts > 1 ? ` (after ${e.attempts} tries)` : ''}${e.ok ? '' : '  (not fixed)'}`,
      ];
    case 'mode.change':
      return [`  (${e.auto ? 'auto' : 'step'} mode)`];
    case 'diagnosis':
      return [
        '',
        `DIAGNOSIS [${e.layer}] ${e.id}: ${e.title}`,
        '  causal chain:',
        ...e.chain.map((c, i) => `    ${i + 1}. ${c}`),
        '  fix:',
        ...e.fix.map((f) => `    - ${f}`),
        ...(e.verify.length > 0 ? ['  verify:', ...e.verify.map((v) => `    - ${v}`)] : []),
      ];
    case 'session.end':
      return ['', `end: ${e.outcome ?? e.reason}${e.error ? ` (${e.error})` : ''}`, ...accountLines(e)];
  }
}

/** An ending says what it could not see and how to see it, what it saw, and the answers nobody gave. */
export function accountLines(e: Extract<SessionEvent, { type: 'session.end' }>): string[] {
  const out: string[] = [];
  if (e.catalogError) out.push(`  ${catalogNote(e.catalogError)}`);
  if (e.unconfirmed)
    out.push(
      `  could not confirm: ${e.unconfirmed.title} (it would rest on ${e.unconfirmed.restsOn}, which could not look)`,
    );
  if (e.seen && e.seen.length > 0 && e.outcome !== 'diagnosis') {
    out.push('  seen:');
    for (const f of e.seen) out.push(`    - ${f.title}: ${f.outcome}: ${f.summary}`);
  }
  // Beside what was seen: known causes those lines match, said as possible, never as the diagnosis.
  const candidates = e.candidates ?? [];
  if (candidates.length > 0) {
    out.push('  seen, and may explain it (not confirmed: the walk is incomplete):');
    for (const c of candidates) {
      out.push(`    - [${c.layer}] ${c.title} (signature ${c.id})`);
      for (const ev of c.evidence) out.push(`        ${ev.source}: ${ev.line}`);
    }
  }
  if (e.unseen && e.unseen.length > 0) {
    out.push(e.outcome === 'diagnosis' ? '  not checked (the diagnosis does not rest on these):' : '  could not see:');
    for (const u of e.unseen) {
      out.push(`    - ${u.title} (${u.check}: ${u.summary})`);
      if (u.command) out.push(`      to see it${u.node ? ` on ${u.node}` : ''}: ${u.command}`);
      out.push(`      ${seeItHint(u)}`);
    }
  }
  if (e.anomalies && e.anomalies.length > 0) {
    out.push(
      e.catalogError
        ? '  seen, and not read against known causes (worst first):'
        : '  seen, and no known cause explains it (worst first):',
    );
    for (const a of e.anomalies) out.push(`    - [${a.layer}] ${a.source}: ${a.line}`);
    if (e.lookNext && e.lookNext.length > 0) {
      out.push('  look next:');
      for (const l of e.lookNext) out.push(`    - ${l}`);
    }
  }
  if (candidates.length > 0 && e.lookNext && e.lookNext.length > 0) {
    out.push('  look next:');
    for (const l of e.lookNext) out.push(`    - ${l}`);
  }
  if (e.defaultsUsed && e.defaultsUsed.length > 0) {
    out.push('  answered by default (nobody said so):');
    for (const d of e.defaultsUsed) out.push(`    - ${d.step}: ${d.label}`);
  }
  return out;
}

/** What a walk says when the signature catalog could not be read: the known causes in it were not looked for. */
export function catalogNote(why: string): string {
  return `the signature catalog could not be read: ${why}; known causes from it were not checked`;
}
