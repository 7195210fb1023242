import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** Every command, with a valid way to name its arguments (for the unknown-flag and --help cases). */
const commands: { argv: string[]; flags: string[] }[] = [
  {
    argv: ['run'],
    flags: [
      '--kubeconfig',
      '--context',
      '--namespace',
      '--set',
      '--node-access',
      '--output',
      '--request-timeout',
      '--allow-mutations',
    ],
  },
  {
    argv: ['drill'],
    flags: ['--guided', '--free', '--random', '--seed', '--difficulty', '--history', '--instructor', '--output'],
  },
  { argv: ['check'], flags: ['--pod', '--node', '--namespace', '--set', '--drill', '--output', '--node-access'] },
  { argv: ['cluster', 'serve'], flags: ['--port', '--kubeconfig-out'] },
  { argv: ['report'], flags: ['--output', '--format', '--out'] },
  { argv: ['replay'], flags: ['--speed', '--step'] },
  { argv: ['list'], flags: ['--output'] },
  { argv: ['lint'], flags: [] },
  { argv: ['test'], flags: ['--pass-rate', '--output'] },
  { argv: ['graph'], flags: ['--format'] },
  { argv: ['completion'], flags: [] },
];

describe('each command has its own --help', () => {
  it.each(commands)('plumbline $argv --help: its usage, its flags, an example', async ({ argv, flags }) => {
    const r = await runCli([...argv, '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: plumbline ${argv.join(' ')} `));
    for (const f of flags) expect(r.stdout, f).toContain(f);
    expect(r.stdout).toMatch(/^Examples?:/m);
    // Not the program's general text.
    expect(r.stdout).not.toContain('Commands:\n  run <runbook>');
  });

  it("run <runbook> --help lists that runbook's inputs with their descriptions and how to give each", async () => {
    const r = await runCli(['run', 'workload-down', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Runbook workload-down: A pod will not start or keeps restarting');
    expect(r.stdout).toMatch(/^ {2}<pod> +name of the pod that is not working \(required\)$/m);
    expect(r.stdout).toMatch(/^ {2}-n <namespace> +namespace of the pod \(default: default\)$/m);
    expect(r.stdout).toMatch(/^ {2}--set deployment= +the Deployment .* \(optional\)$/m);
    expect(r.stdout).toContain('  $ plumbline run workload-down <pod> -n default\n');
    const node = await runCli(['run', 'node-not-ready', '--help']);
    expect(node.stdout).toMatch(/^ {2}<node> +name of the node that is NotReady \(required\)$/m);
  });

  it('run <unknown runbook> --help says there is no such runbook (exit 2)', async () => {
    const r = await runCli(['run', 'workload-dwn', '--help']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no runbook named "workload-dwn"');
  });

  it("check <id> --help lists the check's parameters and the flag for each", async () => {
    const r = await runCli(['check', 'pod.status', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Check pod.status (pod): Pod status');
    expect(r.stdout).toMatch(/^ {2}--pod <name> +required$/m);
    expect(r.stdout).toMatch(/^ {2}-n <namespace> +required$/m);
    expect(r.stdout).toContain('shows the same as: kubectl get pod <name> -n <namespace> -o wide');
    const host = await runCli(['check', 'host.kubelet-service', '--help']);
    expect(host.stdout).toMatch(/^ {2}--node <node> +required$/m);
    const node = await runCli(['check', 'node.ready', '--help']);
    expect(node.stdout).toMatch(/^ {2}--node <name> +required$/m);
  });

  it('help <command> is the same as <command> --help', async () => {
    const a = await runCli(['help', 'graph']);
    const b = await runCli(['graph', '--help']);
    expect(a.stdout).toBe(b.stdout);
  });
});

describe('bad usage exits 2 with a suggestion', () => {
  it.each(commands)('plumbline $argv rejects a flag it does not take', async ({ argv }) => {
    const r = await runCli([...argv, '--no-such-flag']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`plumbline: unknown option '--no-such-flag' (see plumbline ${argv.join(' ')} --help)\n`);
    expect(r.stdout).toBe('');
  });

  it('a flag of another command is unknown here', async () => {
    const r = await runCli(['list', 'runbooks', '--node', 'worker-1']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("plumbline: unknown option '--node' (see plumbline list --help)\n");
  });

  it('a misspelt flag gets the one meant', async () => {
    const r = await runCli(['run', 'workload-down', 'web-0', '--namspace', 'shop']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      "plumbline: unknown option '--namspace' (did you mean --namespace?) (see plumbline run --help)\n",
    );
  });

  it('a misspelt command gets the one meant', async () => {
    const r = await runCli(['dril']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("plumbline: unknown command 'dril' (did you mean drill?) (see plumbline --help)\n");
  });

  it("a value outside a flag's choices names them", async () => {
    const r = await runCli(['list', 'runbooks', '-o', 'xml']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Allowed choices are text, json, yaml.');
  });

  it('check: a missing parameter, a flag the check has no use for, an unknown check are usage errors (2), not a failed check (3)', async () => {
    const missing = await runCli(['check', 'pod.status', '--pod', 'web-0']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe(
      'plumbline: pod.status needs -n <namespace> (plumbline check pod.status --help lists its parameters) (see plumbline check --help)\n',
    );
    const stray = await runCli(['check', 'pod.status', '--pod', 'web-0', '-n', 'shop', '--node', 'worker-1']);
    expect(stray.exitCode).toBe(2);
    expect(stray.stderr).toContain('pod.status takes no --node');
    const unknown = await runCli(['check', 'pod.stauts']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('no check named "pod.stauts": did you mean pod.status?');
    const set = await runCli(['check', 'pod.status', '--pod', 'web-0', '-n', 'shop', '--set', 'nmae=x']);
    expect(set.exitCode).toBe(2);
    expect(set.stderr).toContain('pod.status has no parameter "nmae"');
  });

  it('run: the main input given twice, and -n for a runbook without a namespace, are usage errors', async () => {
    const twice = await runCli(['run', 'workload-down', 'web-0', '--set', 'pod=web-1', '--non-interactive']);
    expect(twice.exitCode).toBe(2);
    expect(twice.stderr).toContain('pod is given twice: "web-0" and --set pod=web-1');
    const ns = await runCli(['run', 'node-not-ready', 'worker-1', '-n', 'shop', '--non-interactive']);
    expect(ns.exitCode).toBe(2);
    expect(ns.stderr).toContain('runbook node-not-ready has no namespace input, so -n does not apply');
    const extra = await runCli(['run', 'node-not-ready', 'worker-1', 'worker-2']);
    expect(extra.exitCode).toBe(2);
    expect(extra.stderr).toContain("too many arguments for 'run'");
  });
});

describe('-o json|yaml wherever output is structured', () => {
  it('list runbooks -o json: id, title, symptom and inputs of each', async () => {
    const r = await runCli(['list', 'runbooks', '-o', 'json']);
    expect(r.exitCode).toBe(0);
    const rows = JSON.parse(r.stdout) as {
      id: string;
      title: string;
      symptom: string;
      inputs: { name: string; description: string; required: boolean }[];
      run: string;
    }[];
    const wd = rows.find((x) => x.id === 'workload-down');
    expect(wd).toMatchObject({
      title: 'A pod will not start or keeps restarting',
      symptom: 'pod <pod> in namespace <namespace> is not running',
      run: 'plumbline run workload-down <pod> -n default',
    });
    expect(wd?.inputs).toContainEqual({
      name: 'pod',
      description: 'name of the pod that is not working',
      required: true,
      pick: 'pod',
    });
  });

  it('list runbooks as text: title, symptom and the command for each', async () => {
    const r = await runCli(['list', 'runbooks']);
    expect(r.stdout).toMatch(/^node-not-ready +The node is NotReady|^node-not-ready +\S/m);
    expect(r.stdout).toMatch(/^ +plumbline run node-not-ready <node>$/m);
  });

  it('-o yaml is the same object as -o json (list, check, a walk)', async () => {
    const json = await runCli(['list', 'checks', '-o', 'json']);
    const yaml = await runCli(['list', 'checks', '-o', 'yaml']);
    expect(yaml.exitCode).toBe(0);
    expect(parseYaml(yaml.stdout)).toEqual(JSON.parse(json.stdout));
    const walk = await runCli([
      'drill',
      '-o',
      'yaml',
      '--transcript',
      join(mkdtempSync(join(tmpdir(), 'plumbline-usage-')), 't.jsonl'),
    ]);
    expect(walk.exitCode).toBe(0);
    expect(parseYaml(walk.stdout)).toMatchObject({
      runbook: 'workload-down',
      outcome: 'diagnosis',
      diagnosis: { id: 'unschedulable-node-selector' },
    });
  });

  it('report -o yaml is the JSON report as YAML; -o markdown and --format json still work', async () => {
    const t = join(mkdtempSync(join(tmpdir(), 'plumbline-usage-')), 't.jsonl');
    expect((await runCli(['drill', '--non-interactive', '--transcript', t])).exitCode).toBe(0);
    const yaml = await runCli(['report', t, '-o', 'yaml']);
    const json = await runCli(['report', t, '--format', 'json']);
    expect(yaml.exitCode).toBe(0);
    expect(parseYaml(yaml.stdout)).toEqual(JSON.parse(json.stdout));
    const md = await runCli(['report', t, '-o', 'markdown']);
    expect(md.stdout).toMatch(/^# /m);
  });
});
