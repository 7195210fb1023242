import module from 'node:module';
import { UsageError } from './usageError.js';
import { version } from './version.js';

// Cached V8 bytecode makes the second start of the heavy modules (client-node above all) several times faster.
module.enableCompileCache?.();

// `plumbline ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

/** Entry point: stays tiny; the parser (commander) and each command are import()ed, so --help never loads the heavy modules. */
async function main(argv: string[]): Promise<number> {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 19)) {
    process.stderr.write(
      `plumbline: needs Node.js >= 22.19, this is ${process.versions.node} (in a checkout, npx plumbline runs it on the project's own Node.js)\n`,
    );
    return 2;
  }
  // The version alone, as commander prints it, without loading commander and the whole command tree (kubectl's own yardstick).
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const { parseCommandLine } = await import('./program.js');
  // Loading the parser (commander) and building its command tree are each ~15-30 ms: a task each.
  await new Promise((resolve) => setImmediate(resolve));
  const parsed = parseCommandLine(argv);
  switch (parsed.kind) {
    case 'exit':
      return parsed.code;
    case 'help': {
      const { printTopicHelp } = await import('./topicHelp.js');
      return printTopicHelp(parsed);
    }
    case 'args': {
      // A turn of the event loop between parsing and the command: loading both is more than one short task.
      await new Promise((resolve) => setImmediate(resolve));
      const { dispatch } = await import('./dispatch.js');
      return dispatch(parsed.args);
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    const { reportFatal } = await import('./fatal.js');
    process.exitCode = reportFatal(err, err instanceof UsageError);
  },
);
