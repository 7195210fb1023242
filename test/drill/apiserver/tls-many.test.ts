import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../src/drill/apiserver/tls.js';

describe('selfSignedCertificate, over many random serials', () => {
  // A random serial once made 1 certificate in 128 unparseable (a non-minimal DER integer).
  it('is always a valid certificate', () => {
    for (let i = 0; i < 400; i++) {
      const { cert } = selfSignedCertificate('plumbline-drill');
      expect(() => new X509Certificate(cert)).not.toThrow();
    }
  });
});
