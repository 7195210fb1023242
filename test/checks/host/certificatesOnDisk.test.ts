import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCertificatesOnDisk, parseNotAfter } from '../../../src/checks/host/certificatesOnDisk.js';
import { createLocalAccess } from '../../../src/nodeaccess/local.js';
import { fixture } from './fixtures.js';
import { runHostCheck } from './helpers.js';

const p = { node: 'n', path: '/var/lib/kubelet/pki/kubelet-client-current.pem', warnDays: 30 };
/** The day the fixtures were captured. */
const captured = new Date('2026-11-25T20:45:00Z');
const hasOpenssl = spawnSync('sh', ['-c', 'command -v openssl']).status === 0;

describe('host.certificates-on-disk', () => {
  it.each([
    ['openssl-enddate-valid', 'valid'],
    ['openssl-enddate-expiring', 'expiring-soon'],
    ['openssl-enddate-expired', 'expired'],
    ['openssl-enddate-missing', 'missing'],
    ['openssl-enddate-missing-openssl11', 'missing'],
    ['openssl-enddate-garbage', 'unreadable'],
  ])('%s → %s', (name, outcome) => {
    expect(parseCertificatesOnDisk(fixture(name), p, captured).outcome).toBe(outcome);
  });

  it("reads OpenSSL's date with its padded day, and counts the days left", () => {
    expect(parseNotAfter('notAfter=Mar  1 00:00:00 2026 GMT\n')?.date.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    const r = parseCertificatesOnDisk(fixture('openssl-enddate-expiring'), p, captured);
    expect(r.facts).toMatchObject({
      certificateNotAfter: '2026-12-05T00:00:00.000Z',
      certificateDaysLeft: 9.1,
      certificatePath: p.path,
    });
    expect(r.evidence).toEqual([
      { label: p.path, value: 'notAfter=Dec  5 00:00:00 2026 GMT' },
      { label: 'remaining', value: '9.1 days (warning under 30)' },
    ]);
    expect(parseCertificatesOnDisk(fixture('openssl-enddate-expired'), p, captured).summary).toContain(
      'expired on 2026-03-01T00:00:00.000Z',
    );
  });

  it('the missing file: OpenSSL 3 says so in its first line, which is the evidence', () => {
    const r = parseCertificatesOnDisk(fixture('openssl-enddate-missing'), p, captured);
    expect(r.evidence).toEqual([
      {
        label: 'openssl',
        value:
          'Could not open file or uri for loading certificate from /var/lib/kubelet/pki/kubelet-client-current.pem',
      },
    ]);
  });

  describe.skipIf(!hasOpenssl)('the real openssl on this machine, on certificates made here', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-cert-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const make = (name: string, days: number) => {
      const out = join(dir, name);
      const r = spawnSync('openssl', [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, `${name}.key`),
        '-out',
        out,
        '-days',
        String(days),
        '-subj',
        '/CN=system:node:worker-1',
      ]);
      expect(r.status).toBe(0);
      return out;
    };
    const local = createLocalAccess({ anyNode: true });

    it('a one-year certificate is valid, a ten-day one expiring soon', async () => {
      const year = await runHostCheck('host.certificates-on-disk', { node: 'n', path: make('year.pem', 365) }, local);
      expect(year.outcome).toBe('valid');
      expect(year.command).toBe(`openssl x509 -enddate -noout -in ${join(dir, 'year.pem')}`);
      expect(year.facts.certificateDaysLeft).toBeGreaterThan(364);
      const soon = await runHostCheck('host.certificates-on-disk', { node: 'n', path: make('soon.pem', 10) }, local);
      expect(soon.outcome).toBe('expiring-soon');
    });

    it('a missing file, and a file that holds no certificate', async () => {
      expect(
        (await runHostCheck('host.certificates-on-disk', { node: 'n', path: join(dir, 'gone.pem') }, local)).outcome,
      ).toBe('missing');
      writeFileSync(join(dir, 'junk.pem'), 'not a certificate\n');
      expect(
        (await runHostCheck('host.certificates-on-disk', { node: 'n', path: join(dir, 'junk.pem') }, local)).outcome,
      ).toBe('unreadable');
    });
  });
});
