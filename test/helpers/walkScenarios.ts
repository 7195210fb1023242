import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCli } from '../../src/cli/program.js';
import { sessionFor } from '../../src/cli/headless.js';
import { planDrill } from '../../src/cli/walk.js';
import type { RunbookCache } from '../../src/cli/walk.js';
import { parallelScenarios, pool } from '../../src/cli/commands/test.js';
import { isHeavy } from '../../src/drill/thread.js';
import type { DiagnosisView } from '../../src/engine/events.js';
import { loadScenarioFile } from '../../src/drill/scenario.js';
import type { Scenario } from '../../src/drill/scenarioSchema.js';
import { resolveAsset } from '../../src/assets.js';

/** One check's result in a walk, as the session emitted it. */
export interface WalkedCheck {
  step: string;
  check: string;
  outcome: string;
  facts: Record<string, unknown>;
}

/** A scenario walked headless on its own drill cluster, as `plumbline test` walks it. */
export interface ScenarioWalk {
  name: string;
  scenario: Scenario;
  checks: WalkedCheck[];
  /** Every text the walk showed a person: step titles and whys, questions, commands, the diagnosis. */
  texts: string[];
  diagnosis: DiagnosisView | null;
  /** How the walk ended (diagnosis, no-finding, incomplete...), as `plumbline test` compares it. */
  outcome?: string;
  error?: string;
}

/**
 * Walks each scenario headless as `plumbline test` does: several at once (most of a walk waits on loopback
 * and on simulated latency), a heavy cluster alone after the others, each runbook loaded once. Keeps what
 * every check returned and every text shown.
 */
export async function walkScenarios(names: readonly string[], parallel = parallelScenarios): Promise<ScenarioWalk[]> {
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-walks-'));
  const runbooks: RunbookCache = new Map();
  const out: ScenarioWalk[] = [];
  const heavy = await Promise.all(
    names.map((n) =>
      loadScenarioFile(resolveAsset('scenarios', n)).then(
        (l) => isHeavy(l.scenario),
        () => false, // walkOne says why it does not load
      ),
    ),
  );
  const walk = async (i: number) => {
    out[i] = await walkOne(names[i] ?? '', join(dir, `${i}.jsonl`), runbooks);
  };
  try {
    const indexes = names.map((_, i) => i);
    await pool(
      indexes.filter((i) => !heavy[i]),
      parallel,
      walk,
    );
    await pool(
      indexes.filter((i) => heavy[i]),
      1,
      walk,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

async function walkOne(name: string, transcript: string, runbooks: RunbookCache): Promise<ScenarioWalk> {
  let plan: Awaited<ReturnType<typeof planDrill>>;
  try {
    plan = await planDrill(parseCli(['drill', name, '--transcript', transcript], {}), { sameThread: true, runbooks });
  } catch (err) {
    // A drill whose API server cannot be trusted (an expired serving certificate) stops before any step, as a live run does.
    const { scenario } = await loadScenarioFile(resolveAsset('scenarios', name));
    return {
      name,
      scenario,
      checks: [],
      texts: [],
      diagnosis: null,
      error: err instanceof Error ? err.message : String(err),
    };
  }
  const walk: ScenarioWalk = {
    name,
    scenario: plan.scenario?.scenario as Scenario,
    checks: [],
    texts: [],
    diagnosis: null,
  };
  try {
    const session = sessionFor(plan, { auto: true, answerDefaults: true });
    session.on((e) => {
      switch (e.type) {
        case 'check.result':
          walk.checks.push({ step: e.step, check: e.check, outcome: e.outcome, facts: e.facts });
          break;
        case 'step.enter':
          walk.texts.push(e.title, e.why);
          break;
        case 'ask':
          walk.texts.push(e.question);
          break;
        case 'action.proposed':
        case 'check.start':
          walk.texts.push(e.command);
          break;
        default:
          break;
      }
    });
    session.start();
    const r = await session.done;
    walk.diagnosis = r.diagnosis;
    walk.outcome = r.outcome ?? r.reason;
  } catch (err) {
    walk.error = err instanceof Error ? err.message : String(err);
  } finally {
    await plan.cleanup();
  }
  return walk;
}
