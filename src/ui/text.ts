import stringWidth from 'string-width';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Word-wraps text to `width` terminal columns, measured as the terminal draws
 * them (CJK and emoji take two), breaking words longer than a line between
 * characters. Done here rather than by Ink so the screen can count lines and
 * cap them, and continuation lines start flush (Ink keeps the space it broke at).
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(10, width);
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let lineWidth = 0;
    for (const word of paragraph.split(' ')) {
      for (const piece of chunks(word, w)) {
        const pieceWidth = stringWidth(piece);
        if (!line) {
          line = piece;
          lineWidth = pieceWidth;
        } else if (lineWidth + 1 + pieceWidth <= w) {
          line += ` ${piece}`;
          lineWidth += 1 + pieceWidth;
        } else {
          out.push(line);
          line = piece;
          lineWidth = pieceWidth;
        }
      }
    }
    out.push(line);
  }
  return out;
}

/** A word cut into pieces at most `size` columns wide, never inside a character. */
function chunks(word: string, size: number): string[] {
  if (stringWidth(word) <= size) return [word];
  const out: string[] = [];
  let piece = '';
  let pieceWidth = 0;
  for (const { segment } of graphemes.segment(word)) {
    const cw = stringWidth(segment);
    if (pieceWidth + cw > size && piece) {
      out.push(piece);
      piece = '';
      pieceWidth = 0;
    }
    piece += segment;
    pieceWidth += cw;
  }
  if (piece) out.push(piece);
  return out;
}

/** Cuts a line of raw output every `width` columns, keeping its spaces (indentation is meaning in JSON and YAML). */
export function hardWrap(line: string, width: number): string[] {
  return line === '' ? [''] : chunks(line.replace(/\t/g, '    '), Math.max(10, width));
}

/** Columns a string takes on a terminal. */
export function textWidth(text: string): number {
  return stringWidth(text);
}

/** 65 s → "01:05"; an hour or more → "1:01:05". */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** One wrapped screen line of evidence; `label` is set on the first line of each item. */
export interface EvidenceLine {
  label?: string;
  text: string;
}

export function evidenceLines(evidence: readonly { label: string; value: string }[], width: number): EvidenceLine[] {
  return evidence.flatMap((e) =>
    wrapText(`${e.label}: ${e.value}`, width).map((line, i): EvidenceLine =>
      i === 0 ? { label: `${e.label}:`, text: line.slice(e.label.length + 1) } : { text: line },
    ),
  );
}
