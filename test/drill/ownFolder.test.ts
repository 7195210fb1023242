import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// Files outside the scenario (issue 14, item 7): a shared scenario or runbook names files only
// in its own folder (symlinks resolved), so /etc/shadow is never served as a container log and
// no error message quotes a foreign file. What the user types on the command line is theirs.

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** <tmp>/outside/secret.yaml (a file that must never be read) and <tmp>/case/ (the scenario's folder). */
function layout(): { top: string; own: string; secret: string } {
  const top = mkdtempSync(join(tmpdir(), 'plumbline-folder-'));
  dirs.push(top);
  mkdirSync(join(top, 'outside'));
  mkdirSync(join(top, 'case', 'raw'), { recursive: true });
  const secret = join(top, 'outside', 'secret.yaml');
  // Not valid as objects or a runbook: a loader that read it would quote it in its errors.
  writeFileSync(secret, 'root:$6$hunter2-SECRET-HASH:19000:0:99999:7:::\n  bad: [indent\n');
  return { top, own: join(top, 'case'), secret };
}

const scenarioHeader = `id: folder
title: folder
page: folder
runbook: workload-down
inputs: { namespace: shop, pod: web-0 }
expect: { diagnosis: null }
`;

const outside = (own: string) => `is outside ${own}: a runbook or scenario reads files only from its own folder`;

describe('files a scenario names stay in its folder', () => {
  it('objectFiles, logFiles and hosts file: ../, an absolute path and a symlink out are refused, the file never read', async () => {
    const { own, secret } = layout();
    symlinkSync(secret, join(own, 'raw', 'journal.txt'));
    const file = join(own, 's.yaml');
    writeFileSync(
      file,
      `${scenarioHeader}objectFiles: [../outside/secret.yaml]
logFiles:
  - { namespace: shop, pod: web-0, container: web, file: /etc/shadow }
hosts:
  worker-1:
    "journalctl -u kubelet --no-pager": { file: raw/journal.txt }
`,
    );
    const r = await runCli(['lint', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      `${file}:7:15: objectFiles.0: cannot read ../outside/secret.yaml: ${outside(own)}`,
      `${file}:9:52: logFiles.0.file: cannot read /etc/shadow: ${outside(own)}`,
      `${file}:12:43: hosts.worker-1."journalctl -u kubelet --no-pager".file: cannot read raw/journal.txt: ${outside(own)}`,
    ]);
    expect(r.stdout + r.stderr).not.toContain('hunter2');
  });

  it('files in the folder, also through a symlink that stays inside, still load', async () => {
    const { own } = layout();
    writeFileSync(join(own, 'raw', 'app.log'), 'started\n');
    symlinkSync(join(own, 'raw', 'app.log'), join(own, 'app-link.log'));
    const file = join(own, 's.yaml');
    writeFileSync(
      file,
      `${scenarioHeader}logFiles:\n  - { namespace: shop, pod: web-0, container: web, file: app-link.log }\n`,
    );
    const r = await runCli(['lint', file]);
    expect(r.stdout).toBe(`${file}: ok\n`);
    expect(r.exitCode).toBe(0);
  });

  it("a scenario outside the working directory, given on the command line, is the user's own: it loads", async () => {
    const { top } = layout();
    const file = join(top, 'outside', 'mine.yaml');
    writeFileSync(file, scenarioHeader);
    const r = await runCli(['lint', file]);
    expect(r.stdout).toBe(`${file}: ok\n`);
  });
});

describe('runbooks a runbook includes stay in its folder', () => {
  const leaf = (id: string) => `id: ${id}
title: X
symptom: s
start: done
steps:
  done: { type: diagnosis, layer: pod, title: Done, why: because, chain: [a], fix: [b] }
`;
  const runbook = (include: string, id = 'x') =>
    leaf(id).replace('start: done\n', `include:\n  - { runbook: ${include}, as: sub }\nstart: go\n`) +
    '  go: { type: ask, layer: pod, why: w, question: q, choices: { on: { label: on, next: sub }, off: { label: off, next: done } }, default: off }\n';

  it('../, an absolute path and a symlink out are refused; the YAML errors of the file are never shown', async () => {
    const { own, secret } = layout();
    symlinkSync(secret, join(own, 'linked.yaml'));
    for (const include of ['../outside/secret.yaml', secret, './linked.yaml']) {
      const file = join(own, 'main.yaml');
      writeFileSync(file, runbook(include));
      const r = await runCli(['lint', file]);
      expect(r.exitCode).toBe(2);
      expect(r.stdout.split('\n').filter(Boolean)).toEqual([
        `${file}:5:7: included runbook "${include}" ${outside(own)}`,
      ]);
      expect(r.stdout + r.stderr).not.toContain('hunter2');
    }
  });

  it('a runbook in a subfolder including one beside the top runbook (../) stays inside and loads', async () => {
    const { own } = layout();
    mkdirSync(join(own, 'parts'));
    writeFileSync(join(own, 'leaf.yaml'), leaf('leaf'));
    writeFileSync(join(own, 'parts', 'mid.yaml'), runbook('../leaf.yaml', 'mid'));
    const file = join(own, 'main.yaml');
    writeFileSync(file, runbook('./parts/mid.yaml'));
    const r = await runCli(['lint', file]);
    expect(r.stdout).toBe(`${file}: ok\n`);
    expect(r.exitCode).toBe(0);
  });
});
