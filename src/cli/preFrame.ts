import { readFileSync } from 'node:fs';
import { packageRoot, resolveAsset } from '../assets.js';
import { depKey, frameFacts } from '../precompiled.js';

/**
 * The first frame, written as plain text before Ink, React, the runbook
 * loader or the kube client load (~0.3 s of a start): the header the walk's
 * screen will show and what it is waiting for. The screen erases it and draws
 * itself in its place (erasePreFrame, before Ink's first render). Only from
 * facts known without loading anything heavy: the build's frame index (a
 * bundled scenario's page and runbook title) and the kubeconfig's current
 * context; without them there is no pre-frame and the screen is the first.
 */

/** Lines of the pre-frame on screen (the cursor is at the end of its last one); 0 when none is. */
let painted = 0;

export interface PreFrame {
  /** Left of the header's first line, after "plumbline · ". */
  title: string;
  /** The header's second line. */
  subtitle: string;
  /** What the screen is waiting for. */
  waiting: string;
}

/** Terminal cells a string takes: wide (CJK, emoji) characters count two, so a line never wraps. */
function cells(s: string): number {
  let n = 0;
  for (const ch of s) n += (ch.codePointAt(0) ?? 0) >= 0x1100 ? 2 : 1;
  return n;
}

/** Cut to `width` cells with an ellipsis, as Ink's truncate-end does. */
function truncate(s: string, width: number): string {
  if (cells(s) <= width) return s;
  let out = '';
  for (const ch of s) {
    if (cells(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** The pre-frame's lines as the walk's header draws them (src/ui/Header.tsx): same words, same tones. */
export function preFrameLines(frame: PreFrame, columns: number, color: boolean): string[] {
  const sgr = (open: string, close: string) => (s: string) => (color ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  const accent = (s: string) => sgr('36', '39')(sgr('1', '22')(s));
  const strong = sgr('1', '22');
  const muted = sgr('2', '22');
  // The header's clock ends at the last column, as Ink lays it out; the last line stays one cell short, so the cursor never wraps past it.
  const width = Math.max(20, columns);
  const clock = '00:00';
  const left = truncate(`plumbline · ${frame.title}`, width - clock.length - 1);
  const first = `${accent('plumbline')} · ${strong(left.slice('plumbline · '.length))}${' '.repeat(Math.max(1, width - cells(left) - clock.length))}${muted(clock)}`;
  return [
    first,
    truncate(frame.subtitle, width),
    `${sgr('36', '39')('⠋')} ${truncate(`${frame.waiting}…`, width - 3)}`,
  ];
}

/** The terminal's width as Ink takes it: the tty's own, else $COLUMNS (a pty that has no size yet), else 80. */
function columns(): number {
  return process.stdout.columns || Number(process.env.COLUMNS) || 80;
}

/** Writes the pre-frame (a terminal only). */
export function paintPreFrame(frame: PreFrame, color: boolean): void {
  write(preFrameLines(frame, columns(), color));
}

/** The home screen's first line (src/ui/Home.tsx draws the same). */
export const homeTitle = 'plumbline: walk a runbook on your cluster, or practise on a drill';

/**
 * Home on a terminal: its title and what it reads, put up before the home
 * command's module (and the string-width tables it imports) loads.
 */
export function paintHomePreFrame(args: { nonInteractive: boolean; noColor: boolean }): void {
  if (args.nonInteractive || !process.stdout.isTTY || !process.stdin.isTTY) return;
  paintLines(
    [
      { text: homeTitle, tone: 'accent' },
      { text: 'reading the runbooks and drills…', tone: 'muted' },
    ],
    !args.noColor,
  );
}

/** A pre-frame of plain lines in the screen's tones, each cut to the terminal's width. */
export function paintLines(lines: { text: string; tone: 'accent' | 'muted' }[], color: boolean): void {
  const width = Math.max(20, columns() - 1);
  const styled = { accent: ['\x1b[36m\x1b[1m', '\x1b[22m\x1b[39m'], muted: ['\x1b[2m', '\x1b[22m'] };
  write(
    lines.map((l) =>
      color ? `${styled[l.tone][0]}${truncate(l.text, width)}${styled[l.tone][1]}` : truncate(l.text, width),
    ),
  );
}

function write(lines: string[]): void {
  process.stdout.write(lines.join('\n'));
  painted = lines.length;
}

/**
 * Takes the pre-frame off the screen, leaving the cursor where it began. By
 * default in the same write as the screen's first visible output, so the
 * terminal never shows a blank between the two; `now` (an error is to be
 * printed instead) at once.
 */
export function erasePreFrame(opts: { now?: boolean } = {}): void {
  const out = process.stdout;
  const waiting = pendingErase;
  if (waiting) {
    // An erase already waits for the screen: now, or never twice.
    if (!opts.now) return;
    pendingErase = undefined;
    if (out.write === waiting.hook) out.write = waiting.previous;
    out.write(waiting.erase);
    return;
  }
  if (painted === 0) return;
  // Line by line, as Ink erases its own frame: an erase-to-end from the top-left corner is a clear screen to
  // tmux, which pushes what was there into its scrollback.
  const erase = `${Array.from({ length: painted }, () => '\x1b[2K').join('\x1b[1A')}\x1b[G`;
  painted = 0;
  if (opts.now) {
    out.write(erase);
    return;
  }
  // Put back as it was (a property set on the stream), once the erase has gone out.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const previous = out.write;
  const write = previous.bind(out) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const hook = ((chunk: unknown, ...rest: unknown[]): boolean => {
    // Cursor and mode sequences pass; the first text the screen draws carries the erase.
    if (pendingErase?.hook === hook && typeof chunk === 'string' && /\S/.test(stripControls(chunk))) {
      pendingErase = undefined;
      if (out.write === hook) out.write = previous;
      return write(erase + chunk, ...rest);
    }
    return write(chunk, ...rest);
  }) as typeof out.write;
  pendingErase = { erase, hook, previous };
  out.write = hook;
}

/** An erase waiting for the screen's first text, and the write that carries it. */
let pendingErase:
  { erase: string; hook: typeof process.stdout.write; previous: typeof process.stdout.write } | undefined;

function stripControls(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*(\x07|\x1b\\)|\x1b./g, '');
}

/** A drill's pre-frame, when the scenario is a bundled one unchanged since the build (and its runbook is the bundled one). */
export function drillPreFrame(scenario: string, opts: { auto: boolean; modeLabel?: string }): PreFrame | undefined {
  try {
    const facts = frameFacts('scenarios', resolveAsset('scenarios', scenario));
    // A runbook of the same id on the runbook path would be the one walked: its title is not in the index.
    if (!facts || !Object.hasOwn(facts.deps, depKey(packageRoot(), resolveAsset('runbooks', facts.runbook))))
      return undefined;
    return {
      title: facts.runbookTitle,
      subtitle: `${facts.page} · drill · ${opts.modeLabel ?? (opts.auto ? 'auto mode' : 'step mode')}`,
      waiting: 'starting the drill cluster',
    };
  } catch {
    return undefined; // an unknown name: the walk says so
  }
}

/** A live run's pre-frame: the bundled runbook's title and the context the kubeconfig names (one file only, as plumbline merges several). */
export function runPreFrame(
  runbook: string,
  opts: { auto: boolean; context: string | undefined; files: () => string[] },
): PreFrame | undefined {
  try {
    const facts = frameFacts('runbooks', resolveAsset('runbooks', runbook));
    if (!facts) return undefined;
    const context = opts.context ?? currentContext(opts.files());
    if (!context) return undefined;
    return {
      title: facts.title,
      subtitle: `${context} · live · ${opts.auto ? 'auto mode' : 'step mode'}`,
      waiting: `reaching the cluster of context ${context}`,
    };
  } catch {
    return undefined;
  }
}

/** `current-context:` of a single block-style kubeconfig file; anything else is left to the kube client. */
function currentContext(files: string[]): string | undefined {
  if (files.length !== 1) return undefined;
  const m = /^current-context:[ \t]*(.*?)[ \t]*$/m.exec(readFileSync(files[0]!, 'utf8'));
  const raw = m?.[1] ?? '';
  const name = /^(["'])(.*)\1$/.exec(raw)?.[2] ?? raw;
  return name === '' || name.includes('#') ? undefined : name;
}
