import { walkJson, exitCodeOf } from '../engine/report.js';
import { Session } from '../engine/session.js';
import { textLines } from '../engine/textLog.js';
import { loadExtraPatterns } from '../base/redact.js';
import type { CliArgs } from './args.js';
import { printObject } from './output.js';
import type { WalkPlan } from './walk.js';
import { runWalk, transcriptFailed } from './lifecycle.js';

/** Walks without a terminal: every check runs at once, every question takes its default. */
export async function walkHeadless(
  plan: WalkPlan,
  args: Pick<CliArgs, 'output'> & Partial<Pick<CliArgs, 'yes'>>,
): Promise<number> {
  const setup = {
    session: () => sessionFor(plan, { auto: true, answerDefaults: true, yes: args.yes ?? false }),
    record: `plumbline: ${plan.runbook.spec.title}`,
  };
  return runWalk(plan, setup, async ({ session, transcript }) => {
    if (args.output === 'text')
      session.on((e) =>
        process.stdout.write(
          textLines(e)
            .map((l) => `${l}\n`)
            .join(''),
        ),
      );
    session.start();
    const result = await session.done;
    const meta = {
      runbook: plan.runbook.spec.id,
      mode: plan.mode,
      scenario: plan.scenario?.scenario.id ?? null,
      transcript: plan.transcriptPath,
    };
    // What the walk cost the API server: the same on 10 nodes and on 5,000 when every query is pinned.
    if (args.output !== 'text') printObject({ ...walkJson(result, meta), api: plan.kube.apiStats }, args.output);
    else process.stdout.write(`transcript: ${plan.transcriptPath}\n`);
    return transcriptFailed(transcript) ?? exitCodeOf(result);
  });
}

export function sessionFor(
  plan: WalkPlan,
  { yes = false, ...opts }: { auto: boolean; answerDefaults: boolean; yes?: boolean; askPastes?: boolean },
): Session {
  return new Session({
    allowMutations: plan.allowMutations,
    about: plan.about,
    // Headless, only --yes confirms an action; in the TUI the user does, with y.
    // A drill scenario may script the trainee: its answers, and whether its actions are confirmed.
    confirmActions: opts.answerDefaults
      ? yes || plan.scenario?.scenario.actions === 'confirm'
        ? 'yes'
        : 'none'
      : 'ask',
    ...(opts.answerDefaults && plan.scenario ? { answers: plan.scenario.scenario.answers } : {}),
    runbook: plan.runbook,
    inputs: plan.inputs,
    kube: plan.kube,
    mode: plan.mode,
    scenario: plan.scenario?.scenario.id ?? null,
    page: plan.page,
    redactPatterns: loadExtraPatterns(process.env),
    // Headless there is no one to paste: manual access says so in each host check's result.
    nodes: opts.answerDefaults ? plan.nodes(undefined) : (session) => plan.nodes(session.promptHost),
    ...opts,
  });
}
