import { describe, expect, it, vi } from 'vitest';
import { bundledNames } from '../../src/assets.js';
import { parseCli } from '../../src/cli/program.js';
import { drillArgsFor, homeLists, runbookHelp, runCommandFor } from '../../src/cli/commands/home.js';
import { isBenchmarkScenario } from '../../src/training/difficulty.js';
import { Home } from '../../src/ui/Home.js';
import type { HomeChoice, HomeDrill } from '../../src/ui/Home.js';
import { runCli } from '../helpers/cli.js';
import { keys, renderUi, sendInputAndWaitForChange, waitForContent } from '../helpers/render.js';

const drills: HomeDrill[] = [
  {
    id: 'pod-pending-node-selector',
    page: 'pod web-0 in namespace shop is not starting',
    difficulty: 'easy',
    runbook: 'workload-down',
    runbookTitle: 'A pod will not start or keeps restarting',
  },
  {
    id: 'pod-image-not-found',
    page: 'pod api-7d9c in namespace shop is stuck',
    difficulty: 'easy',
    runbook: 'workload-down',
    runbookTitle: 'A pod will not start or keeps restarting',
  },
  {
    id: 'node-dbus-hang',
    page: 'node worker-3 is NotReady',
    difficulty: 'hard',
    runbook: 'node-not-ready',
    runbookTitle: 'A node is NotReady',
  },
];
const runbooks = [
  {
    id: 'workload-down',
    title: 'A pod will not start or keeps restarting',
    symptom: 'pod <pod> in namespace <namespace> is not running',
  },
  { id: 'node-not-ready', title: 'A node is NotReady', symptom: 'node <node> is NotReady' },
];
const down = '\u001b[B';
const up = '\u001b[A';
const pageDown = '\u001b[6~';
const pageUp = '\u001b[5~';
const home = '\u001b[H';
const end = '\u001b[F';

function renderHome(opts: { rows?: number; drills?: HomeDrill[] } = {}) {
  const choices: (HomeChoice | null)[] = [];
  const onChoose = vi.fn((c: HomeChoice | null) => choices.push(c));
  const r = renderUi(<Home drills={opts.drills ?? drills} runbooks={runbooks} onChoose={onChoose} />, {
    rows: opts.rows ?? 24,
  });
  return { ...r, choices, onChoose };
}

/** The line of the list that carries the selection marker. */
const selectedLine = (frame: string) => frame.split('\n').find((l) => l.startsWith('› '));

describe('Home', () => {
  it('lists the runbooks first, then the drills grouped by runbook, each drill by its page and difficulty only', () => {
    const r = renderHome();
    expect(r.frame()).toMatchInlineSnapshot(`
      "plumbline: walk a runbook on your cluster, or practise on a drill
      2 runbooks, 3 drills · / to filter
      Runbooks (walk one on your current kube context)
      › workload-down   A pod will not start or keeps restarting
        node-not-ready  A node is NotReady
      Drills: A pod will not start or keeps restarting
        easy   pod api-7d9c in namespace shop is stuck
        easy   pod web-0 in namespace shop is not starting
      Drills: A node is NotReady
        hard   node worker-3 is NotReady
      symptom: pod <pod> in namespace <namespace> is not running
      ↑↓ j/k PgUp/PgDn move · ⏎ show how to run it · / filter · q quit"
    `);
    // The id and the title name the cause: never on the list.
    expect(r.frame()).not.toContain('pod-pending-node-selector');
    expect(r.frame()).not.toContain('dbus');
  });

  it('moves with the arrows, j/k, PgUp/PgDn and Home/End, and stops at either end', async () => {
    const r = renderHome();
    expect(selectedLine(r.frame())).toMatch(/^› workload-down/);
    let frame = await sendInputAndWaitForChange(r.stdin, r.frame, down);
    expect(selectedLine(frame)).toMatch(/^› node-not-ready/);
    expect(frame).toContain('symptom: node <node> is NotReady');
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, 'j');
    expect(selectedLine(frame)).toMatch(/^› easy +pod api-7d9c/);
    expect(frame).toContain('page: pod api-7d9c in namespace shop is stuck');
    expect(frame).toContain('⏎ start');
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, end);
    expect(selectedLine(frame)).toMatch(/^› hard +node worker-3/);
    r.stdin.write('j');
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, 'k');
    expect(selectedLine(frame)).toMatch(/^› easy +pod web-0/);
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, home);
    expect(selectedLine(frame)).toMatch(/^› workload-down/);
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, pageDown);
    expect(selectedLine(frame)).toMatch(/^› hard +node worker-3/);
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, pageUp);
    expect(selectedLine(frame)).toMatch(/^› workload-down/);
    // ↑ at the top stays there: the next ↓ reaches the second entry.
    r.stdin.write(up);
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, down);
    expect(selectedLine(frame)).toMatch(/^› node-not-ready/);
    expect(r.onChoose).not.toHaveBeenCalled();
  });

  it('takes keys arriving in one burst in order: jjj, and ↓⏎ starts on the item the ↓ reached', async () => {
    const r = renderHome();
    let frame = await sendInputAndWaitForChange(r.stdin, r.frame, 'jjj');
    expect(selectedLine(frame)).toMatch(/^› easy +pod web-0/);
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, 'kk');
    expect(selectedLine(frame)).toMatch(/^› node-not-ready/);
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, `${down}\r`);
    expect(frame).toContain('how do you want to do this drill?');
    expect(frame).toContain('page: pod api-7d9c in namespace shop is stuck');
    r.stdin.write(`${down}\r`);
    await vi.waitFor(() => expect(r.choices).toEqual([{ kind: 'drill', id: 'pod-image-not-found', mode: 'guided' }]));
  });

  it('filters with / and typing: the count, the matches, esc clears', async () => {
    const r = renderHome();
    let frame = await sendInputAndWaitForChange(r.stdin, r.frame, '/');
    expect(frame).toContain('filter: ');
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, 'notready');
    expect(frame).toContain('filter: notready  (2 of 5)');
    expect(frame).toContain('node-not-ready');
    expect(frame).toContain('node worker-3 is NotReady');
    expect(frame).not.toContain('pod web-0');
    // j is text while typing, not a move.
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, 'j');
    expect(frame).toContain('nothing matches “notreadyj”');
    await sendInputAndWaitForChange(r.stdin, r.frame, keys.backspace);
    // ⏎ ends typing; then j moves and ⏎ starts.
    await sendInputAndWaitForChange(r.stdin, r.frame, keys.enter);
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, 'j');
    expect(selectedLine(frame)).toMatch(/^› hard +node worker-3/);
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, keys.escape);
    expect(frame).toContain('2 runbooks, 3 drills');
    expect(frame).toContain('pod web-0');
    expect(r.onChoose).not.toHaveBeenCalled();
  });

  it('the filter never matches a drill by its id (it names the cause)', async () => {
    const r = renderHome();
    r.stdin.write('/');
    const frame = await waitForContent(r.frame, 'filter: ');
    expect(frame).toBeTruthy();
    expect(await sendInputAndWaitForChange(r.stdin, r.frame, 'selector')).toContain('nothing matches');
  });

  it('asks how to do the drill chosen with Enter: walk, guided or free, one line each', async () => {
    const r = renderHome();
    await sendInputAndWaitForChange(r.stdin, r.frame, 'jj');
    const frame = await sendInputAndWaitForChange(r.stdin, r.frame, keys.enter);
    expect(frame).toMatchInlineSnapshot(`
      "plumbline: how do you want to do this drill?
      page: pod api-7d9c in namespace shop is stuck
      easy · runbook: A pod will not start or keeps restarting

      › 1 walk    plumbline runs the checks and explains each
        2 guided  you predict each check's outcome, then name the root cause; scored
        3 free    you choose the checks, layer by layer; scored

      scored drills are kept: plumbline drill --history shows your progress
      1/2/3 or ↑/↓ ⏎ start · esc back to the list · q quit"
    `);
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(r.onChoose).not.toHaveBeenCalled();
  });

  it.each([
    ['1', 'walk'],
    ['2', 'guided'],
    ['3', 'free'],
  ] as const)('starts the drill in the mode of key %s (%s)', async (key, mode) => {
    const r = renderHome();
    await sendInputAndWaitForChange(r.stdin, r.frame, 'jj');
    await sendInputAndWaitForChange(r.stdin, r.frame, keys.enter);
    r.stdin.write(key);
    await vi.waitFor(() => expect(r.choices).toEqual([{ kind: 'drill', id: 'pod-image-not-found', mode }]));
  });

  it('selects a mode with the arrows and j/k, Enter starting it; walk is preselected', async () => {
    const r = renderHome();
    await sendInputAndWaitForChange(r.stdin, r.frame, 'jjj');
    let frame = await sendInputAndWaitForChange(r.stdin, r.frame, keys.enter);
    expect(selectedLine(frame)).toMatch(/^› 1 walk /);
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, down);
    expect(selectedLine(frame)).toMatch(/^› 2 guided /);
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, 'j');
    expect(selectedLine(frame)).toMatch(/^› 3 free /);
    r.stdin.write('j');
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, up);
    expect(selectedLine(frame)).toMatch(/^› 2 guided /);
    r.stdin.write(keys.enter);
    await vi.waitFor(() =>
      expect(r.choices).toEqual([{ kind: 'drill', id: 'pod-pending-node-selector', mode: 'guided' }]),
    );
  });

  it('goes back to the list on Esc, the drill still selected, and asks again on Enter', async () => {
    const r = renderHome();
    await sendInputAndWaitForChange(r.stdin, r.frame, 'jj');
    await sendInputAndWaitForChange(r.stdin, r.frame, keys.enter);
    await sendInputAndWaitForChange(r.stdin, r.frame, 'j');
    let frame = await sendInputAndWaitForChange(r.stdin, r.frame, keys.escape);
    expect(frame).toContain('Drills: A pod will not start or keeps restarting');
    expect(frame).not.toContain('how do you want to do');
    expect(selectedLine(frame)).toMatch(/^› easy +pod api-7d9c/);
    expect(r.onChoose).not.toHaveBeenCalled();
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, keys.enter);
    expect(frame).toContain('plumbline: how do you want to do this drill?');
    expect(selectedLine(frame)).toMatch(/^› 1 walk /);
  });

  it('leaves without a choice on q from the mode question', async () => {
    const r = renderHome();
    await sendInputAndWaitForChange(r.stdin, r.frame, 'jj');
    await sendInputAndWaitForChange(r.stdin, r.frame, keys.enter);
    r.stdin.write('q');
    await vi.waitFor(() => expect(r.choices).toEqual([null]));
  });

  it('chooses a runbook on Enter', async () => {
    const r = renderHome();
    await sendInputAndWaitForChange(r.stdin, r.frame, 'j');
    r.stdin.write(keys.enter);
    await vi.waitFor(() => expect(r.choices).toEqual([{ kind: 'runbook', id: 'node-not-ready' }]));
  });

  it('leaves without a choice on q', async () => {
    const r = renderHome();
    r.stdin.write('q');
    await vi.waitFor(() => expect(r.choices).toEqual([null]));
  });

  it('scrolls a list taller than the terminal so the selection stays on screen, the frame shorter than the terminal', async () => {
    const many: HomeDrill[] = Array.from({ length: 20 }, (_, i) => ({
      id: `drill-${i}`,
      page: `page ${String(i).padStart(2, '0')}`,
      difficulty: 'medium',
      runbook: 'workload-down',
      runbookTitle: 'A pod will not start or keeps restarting',
    }));
    const r = renderHome({ rows: 12, drills: many });
    expect(r.frame()).toContain('page 00');
    expect(r.frame()).not.toContain('page 10');
    for (let i = 0; i < 14; i++) await sendInputAndWaitForChange(r.stdin, r.frame, 'j');
    const frame = await waitForContent(r.frame, 'page: page 12');
    expect(selectedLine(frame)).toMatch(/^› medium +page 12/);
    expect(frame).not.toContain('page 00');
    expect(frame.split('\n').length).toBeLessThan(12);
  });
});

describe('home lists', () => {
  it.each([
    ['walk', []],
    ['guided', ['--guided']],
    ['free', ['--free']],
  ] as const)('dispatch a drill picked in mode %s exactly as `plumbline drill <id> %s` would', (mode, flags) => {
    const args = drillArgsFor(parseCli([], {}), { kind: 'drill', id: 'pod-image-not-found', mode });
    expect(args).toEqual(parseCli(['drill', 'pod-image-not-found', ...flags], {}));
    expect(args.drill.mode).toBe(mode);
  });

  it('prints the exact run command for a runbook, with its inputs', async () => {
    const { runbooks: bundled } = await homeLists();
    const workload = bundled.find((r) => r.id === 'workload-down');
    expect(workload?.symptom).toBe('pod <pod> in namespace <namespace> is not running');
    expect(runCommandFor({ id: 'workload-down', inputs: workload?.inputs ?? [] })).toBe(
      'plumbline run workload-down <pod> -n default',
    );
    if (!workload) throw new Error('workload-down is not bundled');
    const help = runbookHelp(workload);
    expect(help).toContain('\n  plumbline run workload-down <pod> -n default\n');
    expect(help).toMatch(/^ {2}pod +name of the pod that is not working/m);
    expect(help).toMatch(/^ {2}deployment +the Deployment .+\n +.+ \(optional\)$/m);
    // At 80 columns a long description wraps under itself, at word boundaries.
    const service = bundled.find((r) => r.id === 'service-unreachable');
    if (!service) throw new Error('service-unreachable is not bundled');
    const narrow = runbookHelp(service, 80).split('\n');
    for (const line of narrow) expect(line.length).toBeLessThanOrEqual(80);
    const at = narrow.findIndex((l) => l.startsWith('  url '));
    const indent = narrow[at]!.indexOf('the name or URL');
    expect(narrow[at + 1]).toMatch(new RegExp(`^ {${indent}}\\S`));
  });

  it('are what `plumbline` prints without a terminal: every bundled drill with its page, every runbook with its symptom', async () => {
    const r = await runCli([]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Drills \(plumbline drill <id> \[--guided \| --free\]\):\n {2}\S+ +\S/);
    expect(r.stdout).toMatch(/^ {2}pod-pending-node-selector +pod web-0 in namespace shop is not starting$/m);
    expect(r.stdout).toMatch(/^ {2}workload-down +pod <pod> in namespace <namespace> is not running$/m);
    for (const name of [
      ...bundledNames('scenarios').filter((n) => !isBenchmarkScenario(n)),
      ...bundledNames('runbooks'),
    ])
      expect(r.stdout).toMatch(new RegExp(`^ {2}${name} `, 'm'));
    // The scale benchmarks are for npm run bench, not drills to practise.
    expect(r.stdout).not.toMatch(/^ {2}scale-/m);
  });
});
