/**
 * Word-wraps text to `width` columns, breaking words longer than a line.
 * Done here rather than by Ink so the screen can count lines and cap them.
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(10, width);
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      for (const piece of chunks(word, w)) {
        if (!line) line = piece;
        else if (line.length + 1 + piece.length <= w) line += ` ${piece}`;
        else {
          out.push(line);
          line = piece;
        }
      }
    }
    out.push(line);
  }
  return out;
}

function chunks(word: string, size: number): string[] {
  if (word.length <= size) return [word];
  const out: string[] = [];
  for (let i = 0; i < word.length; i += size) out.push(word.slice(i, i + size));
  return out;
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
