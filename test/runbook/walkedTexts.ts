import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveAsset } from '../../src/assets.js';
import { findCheck } from '../../src/checks/registry.js';
import { factsSetOn } from '../../src/checks/types.js';
import { placeholderShapes } from '../../src/runbook/factProof.js';
import { contradictions } from '../../src/signatures/consistency.js';
import { walkScenarios } from '../helpers/walkScenarios.js';
import type { ScenarioWalk } from '../helpers/walkScenarios.js';

/**
 * Scenarios walked headless once, as `plumbline test` walks them. What lint
 * proves about the runbooks is held here against what the walks really did
 * and showed. Two files run it, the bundled scenarios and the real cases, so
 * two test workers walk at once.
 */
export function walkedTextsSuite(names: readonly string[]): void {
  let walks: ScenarioWalk[] = [];

  beforeAll(async () => {
    walks = await walkScenarios(names);
  }, 900_000);

  describe('each check sets what it declares', () => {
    it('walks every scenario', () => {
      // Only a walk that should end incomplete may stop before its first step.
      expect(
        walks
          .filter((w) => w.error !== undefined && w.scenario.expect.outcome !== 'incomplete')
          .map((w) => `${w.name}: ${w.error ?? ''}`),
      ).toEqual([]);
      expect(walks.length).toBe(names.length);
    });

    // What `plumbline test` checks of each one (CI runs it too): the ending, and how the walk ended.
    it('reaches the ending its scenario expects, every bundled scenario and every real case', () => {
      const wrong: string[] = [];
      for (const w of walks) {
        const expected = w.scenario.expect.diagnosis;
        const wanted = w.scenario.expect.outcome ?? (expected === null ? 'no-finding' : 'diagnosis');
        // A drill whose API server cannot be trusted stops before the first step: incomplete, nothing seen.
        const outcome = w.error !== undefined ? 'incomplete' : w.outcome;
        const got = w.diagnosis?.id ?? null;
        if (got !== expected || outcome !== wanted)
          wrong.push(`${w.name}: expected ${expected ?? '-'} (${wanted}), got ${got ?? '-'} (${outcome ?? '?'})`);
      }
      expect(wrong).toEqual([]);
    });

    // The placeholder proof counts on `sets`: a declaration a real result contradicts would prove a text filled that is not.
    it('sets, with a value, every fact its `sets` declares for the outcome it returned', () => {
      const wrong: string[] = [];
      for (const w of walks) {
        for (const c of w.checks) {
          const missing = factsSetOn(findCheck(c.check), c.outcome).filter(
            (f) => c.facts[f] === undefined || c.facts[f] === '',
          );
          if (missing.length > 0)
            wrong.push(`${w.name}: ${c.step} (${c.check}) returned ${c.outcome} without ${missing.join(', ')}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('returns only facts it declares', () => {
      const wrong = new Set<string>();
      for (const w of walks) {
        for (const c of w.checks) {
          const declared = new Set([...(findCheck(c.check)?.facts ?? []), 'errorKind']);
          for (const f of Object.keys(c.facts))
            if (!declared.has(f)) wrong.add(`${c.check} returned fact ${f}, not among its facts`);
        }
      }
      expect([...wrong]).toEqual([]);
    });
  });

  describe('what the walks showed a person', () => {
    const shown = (w: ScenarioWalk) => [
      ...w.texts,
      ...(w.diagnosis
        ? [w.diagnosis.title, w.diagnosis.why, ...w.diagnosis.chain, ...w.diagnosis.fix, ...w.diagnosis.verify]
        : []),
    ];

    it('holds no {{template}} and no <placeholder>', () => {
      const wrong: string[] = [];
      for (const w of walks) {
        // What a check read is quoted as it was (an etcd request prints header:<ID:...>): only the runbook's own words are judged.
        // So is a log line a signature quotes as its evidence (grpc prints {/run/dockershim.sock  <nil> 0 <nil>}).
        const read = [
          ...w.checks.flatMap((c) => Object.values(c.facts).map(String)),
          ...(w.diagnosis?.signature?.evidence.map((e) => e.line) ?? []),
        ];
        for (const t of shown(w)) {
          if (t.includes('{{')) wrong.push(`${w.name}: ${t}`);
          for (const s of placeholderShapes(t))
            if (!read.some((v) => v.includes(s))) wrong.push(`${w.name}: ${s} in: ${t}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    /**
     * Names, addresses and numbers of the incidents the bundled runbooks were
     * written from (the field write-ups behind them: a Cloudpods host on
     * office-03-host01, a Rancher downstream cluster at 192.168.222.3, a D-Bus
     * hang with bus names in the tens of thousands). A walk may say them only
     * when its own cluster holds them.
     */
    const incidentLiterals = [
      'office-03-host01',
      '192.168.222.3',
      '10.40.33.249',
      'default-host-xc2t5',
      'default-host-image-cql69',
      'default-host-deployer-zv6tk',
      'default-telegraf-q8fl9',
      '1500 s',
      'every 5 minutes',
      'tens of thousands',
      'as the incident',
      'as in the incident',
    ];

    // A generic ending must not say what the walk's own facts deny: exit 137 is never "by itself", an OOMKilled container is never "not OOM-killed".
    it('states nothing the facts the walk recorded contradict (exit codes, reasons, phases)', () => {
      const wrong: string[] = [];
      for (const w of walks) {
        if (!w.diagnosis) continue;
        const d = w.diagnosis;
        for (const c of contradictions(
          [d.title, d.why, ...d.chain],
          w.checks.map((c) => c.facts),
        ))
          wrong.push(`${w.name} (${d.id}): ${c}`);
      }
      expect(wrong).toEqual([]);
    });

    it("states no incident's literal its own scenario does not hold", () => {
      const wrong: string[] = [];
      for (const w of walks) {
        const own = scenarioText(resolveAsset('scenarios', w.name), w.scenario.id);
        // A number the walk measured itself (a lease 1500 s old on its own cluster) is its own, not the incident's.
        const measured = new Set(w.checks.flatMap((c) => Object.values(c.facts).map(String)));
        const ownLiteral = (lit: string) => own.includes(lit) || measured.has(/^(\d+) s$/.exec(lit)?.[1] ?? '\0');
        for (const t of shown(w)) {
          for (const lit of incidentLiterals)
            if (t.includes(lit) && !ownLiteral(lit)) wrong.push(`${w.name}: "${lit}" in: ${t}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  });

  /** The scenario file and every file of its raw folder: what its cluster, logs and hosts are made of. */
  function scenarioText(file: string, id: string): string {
    const parts = [readFileSync(file, 'utf8')];
    const raw = join(dirname(file), 'raw', id);
    const read = (dir: string) => {
      for (const e of readdirSync(dir)) {
        const p = join(dir, e);
        if (statSync(p).isDirectory()) read(p);
        else parts.push(readFileSync(p, 'utf8'));
      }
    };
    if (existsSync(raw)) read(raw);
    return parts.join('\n');
  }
}
