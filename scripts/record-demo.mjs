// npm run record-demo: the README's asciicast, recorded by plumbline itself (every
// walk writes x.cast beside its transcript) while tmux plays the trainee at 80x24:
// the default drill in step mode, each check run with Enter, the diagnosis read in full.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, 'docs', 'demo', 'drill.cast');
const dir = mkdtempSync(join(tmpdir(), 'plumbline-demo-'));
const session = `plumbline-demo-${process.pid}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tmux = (...args) => {
  const r = spawnSync('tmux', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

const transcript = join(dir, 'drill.jsonl');
const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(root, 'dist', 'cli.js'))} drill pod-pending-node-selector --step --transcript ${JSON.stringify(transcript)}`;
tmux(
  'new-session',
  '-d',
  '-s',
  session,
  '-x',
  '80',
  '-y',
  '24',
  `cd ${JSON.stringify(root)} && NO_COLOR= TERM=xterm-256color ${cmd}`,
);
try {
  // The briefing, then each check, then the whole diagnosis: about 20 s.
  const beats = [
    ['Enter', 5000],
    ['Enter', 4500],
    ['Enter', 4500],
    ['e', 4500],
    ['q', 800],
  ];
  await sleep(4000);
  for (const [key, wait] of beats) {
    tmux('send-keys', '-t', session, key);
    await sleep(wait);
  }
} finally {
  spawnSync('tmux', ['kill-session', '-t', session]);
}
const cast = transcript.replace(/\.jsonl$/, '.cast');
if (!existsSync(cast)) throw new Error(`no recording at ${cast}`);
mkdirSync(join(root, 'docs', 'demo'), { recursive: true });
copyFileSync(cast, out);
rmSync(dir, { recursive: true, force: true });
console.log(`recorded ${out}`);
