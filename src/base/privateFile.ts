import { closeSync, constants, fchmodSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';

/** Why a file plumbline writes could not be opened as a private regular file. */
export class PrivateFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'PrivateFileError';
  }
}

/**
 * How a private file is opened: `append` keeps what is there (a transcript two
 * sessions share), `new` refuses a file that exists (a recording), `replace`
 * empties an existing regular file (a report written again).
 */
export type PrivateOpen = 'append' | 'new' | 'replace';

const flagsFor: Record<PrivateOpen, number> = {
  append: constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT,
  new: constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
  replace: constants.O_WRONLY | constants.O_CREAT,
};

/**
 * Opens a file that holds what a session saw (transcripts, recordings,
 * reports, a drill's kubeconfig with its token): never through a symbolic
 * link someone planted at the path (O_NOFOLLOW), never a FIFO or a device,
 * and mode 0600 whatever mode the file had before.
 */
export function openPrivate(path: string, how: PrivateOpen, opts: { device?: boolean } = {}): number {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no reader must fail or return, not wait forever.
    fd = openSync(path, flagsFor[how] | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600);
  } catch (err) {
    throw new PrivateFileError(path, describe(path, err));
  }
  try {
    const st = fstatSync(fd);
    // A character device (/dev/null, /dev/full) may take a transcript: its writes succeed or fail like a file's.
    // Its mode is the system's, never changed.
    if (opts.device && st.isCharacterDevice()) return fd;
    if (!st.isFile()) throw new PrivateFileError(path, `${path} is not a regular file`);
    fchmodSync(fd, 0o600);
    if (how === 'replace') ftruncateSync(fd, 0);
  } catch (err) {
    closeSync(fd);
    throw err instanceof PrivateFileError ? err : new PrivateFileError(path, describe(path, err));
  }
  return fd;
}

/** Writes a whole private file (a report, a kubeconfig), replacing a regular file that is there. */
export function writePrivateFile(path: string, data: string): void {
  const fd = openPrivate(path, 'replace');
  try {
    const bytes = Buffer.from(data, 'utf8');
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
  } catch (err) {
    throw new PrivateFileError(path, describe(path, err));
  } finally {
    closeSync(fd);
  }
}

function describe(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ELOOP':
      return `${path} is a symbolic link; plumbline does not write through links`;
    case 'EEXIST':
      return `${path} already exists`;
    case 'EACCES':
    case 'EPERM':
      return `${path}: permission denied`;
    case 'ENOENT':
      return `${path} cannot be created there (no such directory, or the file system allows no new files)`;
    case 'ENOSPC':
      return `${path}: no space left on the device`;
    case 'EROFS':
      return `${path}: read-only file system`;
    case 'EISDIR':
      return `${path} is a directory`;
    default:
      return `${path}: ${err instanceof Error ? err.message : String(err)}`;
  }
}
