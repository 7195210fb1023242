import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../src/drill/apiserver/tls.js';

describe('selfSignedCertificate', () => {
  it('makes a CA-capable serving certificate for 127.0.0.1 that verifies against itself', () => {
    const now = new Date('2025-01-10T12:00:00Z');
    const { cert, key } = selfSignedCertificate('plumbline-drill', now);
    const x = new X509Certificate(cert);
    expect(x.subject).toBe('CN=plumbline-drill');
    expect(x.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
    expect(x.ca).toBe(true);
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.verify(x.publicKey)).toBe(true);
    expect(new Date(x.validFrom).getTime()).toBeLessThan(now.getTime());
    expect(new Date(x.validTo).getTime()).toBeGreaterThan(now.getTime() + 300 * 24 * 3600 * 1000);
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('serves the dates a scenario states: an expired serving certificate (kubernetes/kubeadm#2852)', () => {
    const notAfter = new Date('2023-03-25T05:32:30Z');
    const x = new X509Certificate(
      selfSignedCertificate('plumbline-drill', new Date('2023-03-31T06:11:37Z'), { notAfter }).cert,
    );
    expect(new Date(x.validTo).toISOString()).toBe('2023-03-25T05:32:30.000Z');
    expect(new Date(x.validFrom).getTime()).toBeLessThan(notAfter.getTime());
    expect(x.verify(x.publicKey)).toBe(true);
  });
});
