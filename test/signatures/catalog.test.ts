import { describe, expect, it } from 'vitest';
import { bundledNames, resolveAsset } from '../../src/assets.js';
import { findCheck } from '../../src/checks/registry.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import { InputError, parseYamlSource } from '../../src/base/source.js';
import { bundledCatalog, exampleSignals, loadSignatureSource, matches } from '../../src/signatures/catalog.js';
import { matchSignals } from '../../src/signatures/match.js';
import { unsafeRegex } from '../../src/signatures/pattern.js';
import { signalsOf } from '../../src/signatures/signals.js';

const catalog = bundledCatalog();

describe('the bundled signature catalog', () => {
  it.each(catalog.map((s) => [s.id, s] as const))('%s matches its own cited example', (_id, s) => {
    expect(exampleSignals(s).some((signal) => matches(s, signal))).toBe(true);
    expect(s.source).toMatch(/^https?:\/\//);
  });

  // A signature's texts reach a person as they are: no template, no <placeholder> to fill in.
  it.each(catalog.map((s) => [s.id, s] as const))('%s says its cause, why and fix with no placeholder', (_id, s) => {
    for (const t of [s.title, s.why, ...s.fix]) {
      expect(t).not.toMatch(/<[a-z][\w-]*>/i);
      expect(t).not.toContain('{{');
    }
  });

  it('has no id twice and none that is also a runbook diagnosis (a scenario names either)', async () => {
    const ids = catalog.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    const diagnoses = new Set<string>();
    for (const name of bundledNames('runbooks')) {
      const rb = await loadRunbookFile(resolveAsset('runbooks', name), findCheck);
      for (const [id, step] of Object.entries(rb.spec.steps)) if (step.type === 'diagnosis') diagnoses.add(id);
    }
    expect(ids.filter((id) => diagnoses.has(id))).toEqual([]);
  });
});

function lintText(text: string): string[] {
  try {
    loadSignatureSource(parseYamlSource('user.yaml', text));
    return [];
  } catch (err) {
    if (err instanceof InputError) return err.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
    throw err;
  }
}

const entry = (extra: string) => `signatures:
  - id: disk-gone
    title: "The node's disk went away"
    layer: host
    signal: kernel
    match: { contains: ['I/O error, dev sdb'] }
    why: "The block device stopped answering reads."
    fix: ["Replace the disk"]
${extra}`;

describe('lint of a signatures file', () => {
  it('accepts an entry with a source and an example its pattern matches', () => {
    expect(
      lintText(
        entry(
          `    source: https://example.org/issue/1\n    example: "blk_update_request: I/O error, dev sdb, sector 0"\n`,
        ),
      ),
    ).toEqual([]);
  });

  it('rejects an entry without an example, naming the line', () => {
    expect(lintText(entry(`    source: https://example.org/issue/1\n`))).toEqual([
      '2:5 signatures.0: "example" is required',
    ]);
  });

  it('rejects an entry without a source', () => {
    expect(lintText(entry(`    example: "blk_update_request: I/O error, dev sdb, sector 0"\n`))).toEqual([
      '2:5 signatures.0: "source" is required',
    ]);
  });

  it('rejects an entry whose pattern does not match its own example', () => {
    expect(
      lintText(entry(`    source: https://example.org/issue/1\n    example: "EXT4-fs error (device sda1)"\n`)),
    ).toEqual(['10:5 signature "disk-gone": its pattern does not match its own example']);
  });

  it('rejects a regex that could backtrack without bound', () => {
    const problems = lintText(
      entry(`    source: https://example.org/issue/1\n    example: "aaaa"\n`).replace(
        `{ contains: ['I/O error, dev sdb'] }`,
        () => `{ regex: '(a+)+$' }`,
      ),
    );
    expect(problems.join('\n')).toContain('quantifies a group that holds a quantifier');
  });
});

describe('bounded regexes', () => {
  it.each([
    ['(a+)+$', 'quantifies a group'],
    ['(\\w+\\s?)*x', 'quantifies a group'],
    ['(a|b)\\1', 'backreference'],
    ['(?<=foo)bar', 'lookbehind'],
    ['a.*b.*c.*d.*e', 'unbounded quantifiers'],
    ['x.{0,5000}y', 'over 1000'],
    ['(unclosed', 'does not compile'],
  ])('%s is refused (%s)', (re, why) => {
    expect(unsafeRegex(re)).toContain(why);
  });

  it.each([
    'EXT4-fs \\(.{1,40}\\): Remounting',
    '(pthread_create|fork).{0,80}unavailable',
    '(ab)?c+',
    'x(?:[a-z]{2})?y',
  ])('%s is allowed', (re) => {
    expect(unsafeRegex(re)).toBeNull();
  });

  it('a refused shape stays fast on a long adversarial line when cut to maxLine', () => {
    // The allowed shapes are linear or polynomial of low degree on at most 2000 characters: no timing asserted, only that it ends.
    const s = catalog.find((c) => c.id === 'ext4-remounted-read-only');
    expect(s?.test(`EXT4-fs (${'('.repeat(100_000)}`)).toBe(false);
  });
});

describe('a signature that reads several kinds of signal', () => {
  const byId = (id: string) => {
    const s = catalog.find((c) => c.id === id);
    if (!s) throw new Error(`no signature ${id}`);
    return s;
  };
  // What a walk reads: the same runtime error in the runtime's journal (a host check's output) and, copied by the kubelet, in a pod's Event.
  const seen = (text: string, reason: string) => [
    ...signalsOf({ id: 'host.journal', layer: 'host' }, { node: 'worker-2' }, undefined, text),
    ...signalsOf(
      { id: 'pod.events', layer: 'pod' },
      {},
      [
        {
          method: 'GET',
          path: '/api/v1/namespaces/shop/events',
          status: 200,
          body: JSON.stringify({
            kind: 'EventList',
            items: [
              {
                kind: 'Event',
                type: 'Warning',
                reason,
                message: text,
                involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
              },
            ],
          }),
        },
      ],
      undefined,
    ),
  ];

  it.each([
    ['runc-cgroup-freeze-failed', 'Failed'],
    ['containerd-container-name-reserved', 'Failed'],
    ['crio-name-reserved-journal', 'FailedCreatePodSandBox'],
    ['containerd-extract-layer-no-space', 'Failed'],
  ])('%s (journal, event, status) matches its example in a journal and in a %s Event alike', (id, reason) => {
    const s = byId(id);
    expect(s.signal).toEqual(['journal', 'event', 'status']);
    const signals = seen(s.example, reason);
    expect(signals.map((x) => x.kind)).toEqual(['host', 'event']);
    expect(signals.map((x) => matches(s, x))).toEqual([true, true]);
    const found = matchSignals(catalog, signals).find((m) => m.signature.id === id);
    expect(found?.all.map((x) => x.source)).toEqual([
      'host.journal on worker-2',
      expect.stringContaining('shop/web-1'),
    ]);
  });

  it('a single-kind signature does not cross kinds: a kubelet-only journal line is not read from an Event, an Event entry not from a journal', () => {
    const journalOnly = byId('runtime-run-pod-sandbox-deadline');
    expect(journalOnly.signal).toBe('journal');
    expect(seen(journalOnly.example, 'FailedCreatePodSandBox').map((x) => matches(journalOnly, x))).toEqual([
      true,
      false,
    ]);
    const eventOnly = byId('containerd-sandbox-name-reserved');
    expect(eventOnly.signal).toBe('event');
    const [host, event] = seen(eventOnly.example, 'FailedCreatePodSandBox');
    expect([host && matches(eventOnly, host), event && matches(eventOnly, event)]).toEqual([false, true]);
  });

  it('lint accepts a list whose example matches under one kind, and refuses an unknown kind in a list', () => {
    const ok = entry(
      `    source: https://example.org/issue/1\n    example: "blk_update_request: I/O error, dev sdb, sector 0"\n`,
    );
    expect(lintText(ok.replace('signal: kernel', 'signal: [event, kernel]'))).toEqual([]);
    expect(lintText(ok.replace('signal: kernel', 'signal: [kernel, dmesg]'))).toEqual([
      '5:5 signatures.0.signal: "dmesg" is not a signal kind: one of event, status, termination, condition, log, kernel, journal, api, arch, or a list of them',
    ]);
    expect(lintText(ok.replace('signal: kernel', 'signal: []'))).toEqual([
      '5:5 signatures.0.signal: Too small: expected array to have >=1 items',
    ]);
  });

  it('lint refuses a list under none of whose kinds the example matches', () => {
    const text = entry(
      `    source: https://example.org/issue/1\n    example: "Warning FailedMount blk_update_request: I/O error, dev sdb"\n`,
    )
      .replace('signal: kernel', 'signal: [event, status]')
      .replace(
        `{ contains: ['I/O error, dev sdb'] }`,
        `{ reason: FailedAttachVolume, contains: ['I/O error, dev sdb'] }`,
      );
    expect(lintText(text)).toEqual(['10:5 signature "disk-gone": its pattern does not match its own example']);
  });
});
