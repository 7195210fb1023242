import { describe, expect, it, vi } from 'vitest';
import { bundledNames } from '../../src/assets.js';
import { parseCli } from '../../src/cli/args.js';
import { drillArgsFor, homeLists, runbookHelp, runCommandFor } from '../../src/cli/commands/home.js';
import { Home } from '../../src/ui/Home.js';
import type { HomeChoice } from '../../src/ui/Home.js';
import { runCli } from '../helpers/cli.js';
import { keys, renderUi, sendInputAndWaitForChange, waitForContent } from '../helpers/render.js';

const drills = [
  { id: 'pod-pending-node-selector', title: 'A StatefulSet pod stays Pending', page: 'pod web-0 in namespace shop is not starting' },
  { id: 'pod-image-not-found', title: 'A rollout with a typo in the image tag', page: 'pod api-7d9c in namespace shop is stuck' },
];
const runbooks = [{ id: 'workload-down', title: 'A pod will not start or keeps restarting', symptom: 'pod <pod> in namespace <namespace> is not running' }];
const down = '\u001b[B';
const up = '\u001b[A';

function renderHome(opts: { rows?: number; drills?: typeof drills } = {}) {
  const choices: (HomeChoice | null)[] = [];
  const onChoose = vi.fn((c: HomeChoice | null) => choices.push(c));
  const r = renderUi(<Home drills={opts.drills ?? drills} runbooks={runbooks} onChoose={onChoose} />, { rows: opts.rows ?? 24 });
  return { ...r, choices, onChoose };
}

/** The line of the list that carries the selection marker. */
const selectedLine = (frame: string) => frame.split('\n').find((l) => l.startsWith('› '));

describe('Home', () => {
  it('lists the drills and the runbooks, the first drill selected with its page shown', () => {
    const r = renderHome();
    expect(r.frame()).toMatchInlineSnapshot(`
      "plumbline: pick a drill to practise, or a runbook to walk on your cluster
      Drills (a simulated cluster with a fault)
      › pod-pending-node-selector  A StatefulSet pod stays Pending
        pod-image-not-found        A rollout with a typo in the image tag
      Runbooks (your current kube context)
        workload-down              A pod will not start or keeps restarting
      page: pod web-0 in namespace shop is not starting
      ↑/↓ j/k select · ⏎ choose how to do the drill · q quit"
    `);
  });

  it('moves the selection with the arrows and j/k, and stops at either end', async () => {
    const r = renderHome();
    let frame = await sendInputAndWaitForChange(r.stdin, r.frame, down);
    expect(selectedLine(frame)).toMatch(/^› pod-image-not-found/);
    expect(frame).toContain('page: pod api-7d9c in namespace shop is stuck');
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, 'j');
    expect(selectedLine(frame)).toMatch(/^› workload-down/);
    expect(frame).toContain('symptom: pod <pod> in namespace <namespace> is not running');
    expect(frame).toContain('⏎ show the command to run it');
    r.stdin.write('j');
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, 'k');
    expect(selectedLine(frame)).toMatch(/^› pod-image-not-found/);
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, up);
    expect(selectedLine(frame)).toMatch(/^› pod-pending-node-selector/);
    expect(r.onChoose).not.toHaveBeenCalled();
  });

  it('takes several j/k presses arriving in one chunk', async () => {
    const r = renderHome();
    const frame = await sendInputAndWaitForChange(r.stdin, r.frame, 'jjj');
    expect(selectedLine(frame)).toMatch(/^› workload-down/);
    expect(selectedLine(await sendInputAndWaitForChange(r.stdin, r.frame, 'kk'))).toMatch(/^› pod-pending-node-selector/);
  });

  it('asks how to do the drill chosen with Enter: walk, guided or free, one line each', async () => {
    const r = renderHome();
    await sendInputAndWaitForChange(r.stdin, r.frame, 'j');
    const frame = await sendInputAndWaitForChange(r.stdin, r.frame, keys.enter);
    expect(frame).toMatchInlineSnapshot(`
      "plumbline: how do you want to do pod-image-not-found?
      A rollout with a typo in the image tag
      page: pod api-7d9c in namespace shop is stuck

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
    await sendInputAndWaitForChange(r.stdin, r.frame, 'j');
    await sendInputAndWaitForChange(r.stdin, r.frame, keys.enter);
    r.stdin.write(key);
    await vi.waitFor(() => expect(r.choices).toEqual([{ kind: 'drill', id: 'pod-image-not-found', mode }]));
  });

  it('selects a mode with the arrows and j/k, Enter starting it; walk is preselected', async () => {
    const r = renderHome();
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
    await vi.waitFor(() => expect(r.choices).toEqual([{ kind: 'drill', id: 'pod-pending-node-selector', mode: 'guided' }]));
  });

  it('goes back to the list on Esc, the drill still selected, and asks again on Enter', async () => {
    const r = renderHome();
    await sendInputAndWaitForChange(r.stdin, r.frame, 'j');
    await sendInputAndWaitForChange(r.stdin, r.frame, keys.enter);
    await sendInputAndWaitForChange(r.stdin, r.frame, 'j');
    let frame = await sendInputAndWaitForChange(r.stdin, r.frame, keys.escape);
    expect(frame).toContain('Drills (a simulated cluster with a fault)');
    expect(frame).not.toContain('how do you want to do');
    expect(selectedLine(frame)).toMatch(/^› pod-image-not-found/);
    expect(r.onChoose).not.toHaveBeenCalled();
    frame = await sendInputAndWaitForChange(r.stdin, r.frame, keys.enter);
    expect(frame).toContain('plumbline: how do you want to do pod-image-not-found?');
    expect(selectedLine(frame)).toMatch(/^› 1 walk /);
  });

  it('leaves without a choice on q from the mode question', async () => {
    const r = renderHome();
    await sendInputAndWaitForChange(r.stdin, r.frame, keys.enter);
    r.stdin.write('q');
    await vi.waitFor(() => expect(r.choices).toEqual([null]));
  });

  it('chooses a runbook on Enter', async () => {
    const r = renderHome();
    await sendInputAndWaitForChange(r.stdin, r.frame, 'j');
    await sendInputAndWaitForChange(r.stdin, r.frame, 'j');
    r.stdin.write(keys.enter);
    await vi.waitFor(() => expect(r.choices).toEqual([{ kind: 'runbook', id: 'workload-down' }]));
  });

  it('leaves without a choice on q', async () => {
    const r = renderHome();
    r.stdin.write('q');
    await vi.waitFor(() => expect(r.choices).toEqual([null]));
  });

  it('scrolls a list taller than the terminal so the selection stays on screen', async () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ id: `drill-${String(i).padStart(2, '0')}`, title: `drill ${i}`, page: `page ${i}` }));
    const r = renderHome({ rows: 12, drills: many });
    expect(r.frame()).toContain('drill-00');
    expect(r.frame()).not.toContain('drill-10');
    for (let i = 0; i < 12; i++) await sendInputAndWaitForChange(r.stdin, r.frame, 'j');
    const frame = await waitForContent(r.frame, 'page: page 12');
    expect(selectedLine(frame)).toMatch(/^› drill-12/);
    expect(frame).not.toContain('drill-00');
    expect(frame.split('\n').length).toBeLessThanOrEqual(12);
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
    expect(runCommandFor({ id: 'workload-down', inputs: workload?.inputs ?? [] })).toBe('plumbline run workload-down --set namespace=default --set pod=<pod>');
    if (!workload) throw new Error('workload-down is not bundled');
    const help = runbookHelp(workload);
    expect(help).toContain('\n  plumbline run workload-down --set namespace=default --set pod=<pod>\n');
    expect(help).toMatch(/^ {2}pod +name of the pod that is not working/m);
    expect(help).toMatch(/^ {2}deployment +.+ \(optional\)$/m);
  });

  it('are what `plumbline` prints without a terminal: every bundled drill with its page, every runbook with its symptom', async () => {
    const r = await runCli([]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Drills \(plumbline drill <id> \[--guided \| --free\]\):\n {2}\S+ +\S/);
    expect(r.stdout).toMatch(/^ {2}pod-pending-node-selector +pod web-0 in namespace shop is not starting$/m);
    expect(r.stdout).toMatch(/^ {2}workload-down +pod <pod> in namespace <namespace> is not running$/m);
    for (const name of [...bundledNames('scenarios'), ...bundledNames('runbooks')]) expect(r.stdout).toMatch(new RegExp(`^ {2}${name} `, 'm'));
  });
});
