import stringWidth from 'string-width';

export interface ColumnOptions {
  /** Per column: 'right' for counts and times; left otherwise. */
  align?: readonly ('left' | 'right')[];
  /** Spaces between columns (default 2). */
  gap?: number;
  /** Text before each line (an indent). */
  indent?: string;
}

/**
 * Lays rows out as columns sized by what the terminal draws (CJK and emoji
 * take two columns, ANSI colour takes none), so every text table lines up
 * whatever its longest cell. The last column is not padded: lines carry no
 * trailing spaces.
 */
export function formatColumns(rows: readonly (readonly string[])[], options: ColumnOptions = {}): string[] {
  const gap = ' '.repeat(options.gap ?? 2);
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, stringWidth(cell))));
  return rows.map((row) => {
    const cells = row.map((cell, i) => {
      const pad = ' '.repeat(widths[i]! - stringWidth(cell));
      if (options.align?.[i] === 'right') return pad + cell;
      return i === row.length - 1 ? cell : cell + pad;
    });
    return `${options.indent ?? ''}${cells.join(gap)}`.trimEnd();
  });
}

/** The width a column of these cells takes on screen. */
export function columnWidth(cells: readonly string[]): number {
  return Math.max(0, ...cells.map((c) => stringWidth(c)));
}

/** A cell padded to `width` terminal columns. */
export function padCell(cell: string, width: number): string {
  return cell + ' '.repeat(Math.max(0, width - stringWidth(cell)));
}
