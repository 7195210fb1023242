import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProbeLines, probeScript } from '../../../src/checks/service/probe.js';

// The probe's Ingress leg under a real sh, with wget answering as busybox's does (status line on stderr with -S, then its error line).
function runLeg(wgetStderr: string, wgetExit: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'probe-'));
  writeFileSync(
    join(dir, 'wget'),
    `#!/bin/sh\nprintf '%s' '${wgetStderr.replace(/'/g, "'\\''")}' >&2\nexit ${wgetExit}\n`,
  );
  chmodSync(join(dir, 'wget'), 0o755);
  const script = probeScript.replaceAll('/dev/termination-log', join(dir, 'termination-log'));
  try {
    execFileSync('sh', ['-c', script], {
      env: {
        PATH: `${dir}:${process.env.PATH ?? ''}`,
        PROBE_INGRESS_IP: '10.96.180.20',
        PROBE_INGRESS_PORT: '80',
        PROBE_HOST: 'shop.example.com',
      },
    });
  } catch {
    // exit 1 when a leg failed: the termination log says which.
  }
  return readFileSync(join(dir, 'termination-log'), 'utf8');
}

describe('the probe script asks the ingress controller for the host', () => {
  it.each([
    [
      'Connecting to 10.96.180.20:80 (10.96.180.20:80)\n  HTTP/1.1 200 OK\n  Content-Type: text/html\n',
      0,
      { ok: true, why: '200' },
    ],
    [
      'Connecting to 10.96.180.20:80 (10.96.180.20:80)\n  HTTP/1.1 504 Gateway Time-out\nwget: server returned error: HTTP/1.1 504 Gateway Time-out\n',
      1,
      { ok: false, why: '504' },
    ],
    [
      "Connecting to 10.96.180.20:80 (10.96.180.20:80)\nwget: can't connect to remote host (10.96.180.20): Connection refused\n",
      1,
      { ok: false, why: 'refused' },
    ],
    ['Connecting to 10.96.180.20:80 (10.96.180.20:80)\nwget: download timed out\n', 1, { ok: false, why: 'timeout' }],
  ] as const)('%j', (stderr, exit, want) => {
    expect(parseProbeLines(runLeg(stderr, exit))).toEqual([
      { leg: 'ingress', target: '10.96.180.20:80/shop.example.com', ...want },
    ]);
  });
});
