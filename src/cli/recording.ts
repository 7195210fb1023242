import type { Session } from '../engine/session.js';
import { statSync } from 'node:fs';
import { CastWriter, castPathFor, recordStream } from '../transcript/cast.js';

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Records what the user sees beside the transcript (asciicast v2), with a
 * marker at each step; returns the function that stops recording.
 */
export function startRecording(
  session: Pick<Session, 'on'>,
  transcriptPath: string,
  title: string,
  size: { width: number; height: number },
): () => void {
  // A transcript sent to a device (/dev/null, /dev/full) has no folder of its own to record beside.
  if (!isRegularFile(transcriptPath)) return () => {};
  const cast = CastWriter.open(castPathFor(transcriptPath), { ...size, title, startedAt: new Date() });
  const off = session.on((e) => {
    if (e.type === 'step.enter') cast.marker(`${e.step}: ${e.title}`);
    else if (e.type === 'diagnosis') cast.marker(`diagnosis: ${e.id}`);
  });
  const restore = recordStream(process.stdout, cast);
  const onResize = () => cast.resize(process.stdout.columns, process.stdout.rows);
  process.stdout.on('resize', onResize);
  return () => {
    process.stdout.off('resize', onResize);
    restore();
    off();
    cast.close();
  };
}
