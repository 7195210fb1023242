import { createInterface } from 'node:readline';
import { manualAsk } from '../nodeaccess/manual.js';
import type { ManualAnswer, ManualRequest } from '../nodeaccess/manual.js';
import { commandLines } from '../nodeaccess/quote.js';

/**
 * Manual node access without the TUI (`plumbline check`): print the command,
 * read the pasted output up to a line holding only "." or end of input.
 */
export function linePrompt(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): (r: ManualRequest) => Promise<ManualAnswer> {
  return (request) =>
    new Promise((resolve) => {
      // The command on lines of its own, broken only where a shell joins them, so it can be copied as shown.
      const columns = (output as { columns?: number }).columns ?? 80;
      const ask = manualAsk(request, 'paste its output; end with a line holding only "." (or Ctrl-D), or type "skip"');
      output.write(`${ask}\n${commandLines(request.argv, columns).join('\n')}\n`);
      const rl = createInterface({ input, terminal: false });
      const lines: string[] = [];
      let done = false;
      const finish = (answer: ManualAnswer) => {
        if (done) return;
        done = true;
        rl.close();
        resolve(answer);
      };
      rl.on('line', (line) => {
        if (lines.length === 0 && line.trim() === 'skip') return finish({ declined: true });
        if (line === '.') return finish({ output: lines.length > 0 ? `${lines.join('\n')}\n` : '' });
        lines.push(line);
      });
      rl.on('close', () => finish({ output: lines.length > 0 ? `${lines.join('\n')}\n` : '' }));
      request.signal.addEventListener('abort', () => finish({ declined: true }), { once: true });
    });
}
