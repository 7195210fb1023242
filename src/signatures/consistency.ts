/**
 * What a diagnosis says that the walk's own recorded facts contradict: exit
 * 137 (SIGKILL) or OOMKilled while the text says the program ended by itself
 * or was not killed; an exit code or a pod phase the walk never recorded.
 * Held against every bundled and real walk by test/runbook/walkedTexts.ts.
 */
export function contradictions(
  texts: readonly string[],
  facts: readonly Readonly<Record<string, unknown>>[],
): string[] {
  const all = texts.join('\n');
  const exitCodes = new Set(facts.flatMap((f) => (typeof f.exitCode === 'number' ? [f.exitCode] : [])));
  const reasons = new Set(facts.flatMap((f) => (typeof f.terminationReason === 'string' ? [f.terminationReason] : [])));
  const signals = new Set(facts.flatMap((f) => (typeof f.signal === 'string' ? [f.signal] : [])));
  const phases = new Set(facts.flatMap((f) => (typeof f.phase === 'string' ? [f.phase] : [])));
  const out: string[] = [];
  const killed = exitCodes.has(137) || signals.has('SIGKILL') || reasons.has('OOMKilled');
  if (killed && /exits by itself|ended on its own|ends on its own|it was not OOM-killed|was not killed/i.test(all)) {
    out.push(
      `says it ended by itself or was not killed, but the walk recorded ${[...exitCodes]
        .map((c) => `exit ${c}`)
        .concat([...reasons], [...signals])
        .join(', ')}`,
    );
  }
  if (reasons.has('OOMKilled') && /not OOM-killed|no OOM kill/i.test(all))
    out.push('says it was not OOM-killed, but the walk recorded OOMKilled');
  // A stated exit ("(exit 137)", "exit code 1"), not a rule ("each must exit 0").
  for (const m of all.matchAll(/\(exit (\d{1,3})\b|\bexit code (\d{1,3})\b/g)) {
    const code = Number(m[1] ?? m[2]);
    if (exitCodes.size > 0 && !exitCodes.has(code))
      out.push(`names exit code ${code}, but the walk recorded only ${[...exitCodes].join(', ')}`);
  }
  for (const m of all.matchAll(/\bin phase (Pending|Running|Succeeded|Failed|Unknown)\b/g)) {
    const phase = m[1] ?? '';
    if (phases.size > 0 && !phases.has(phase))
      out.push(`says phase ${phase}, but the walk recorded ${[...phases].join(', ')}`);
  }
  return [...new Set(out)];
}
