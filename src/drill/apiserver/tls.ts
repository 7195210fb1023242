import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/**
 * A self-signed serving certificate for 127.0.0.1, made at start-up.
 *
 * Why TLS at all on loopback: kubectl (client-go's clientcmd) only reads a
 * kubeconfig's credentials when the transport is TLS ("only try to read the
 * auth information if we are secure"), so over plain HTTP it never sends the
 * bearer token and every request is anonymous. Node's crypto makes keys and
 * signatures but not certificates, hence the small DER writer below.
 */

export interface ServingCertificate {
  /** PEM certificate, also the CA clients trust (it is its own issuer). */
  cert: string;
  /** PEM PKCS#8 private key. */
  key: string;
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const sequence = (...c: Buffer[]): Buffer => tlv(0x30, ...c);
const set = (...c: Buffer[]): Buffer => tlv(0x31, ...c);
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bits = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.from([unused]), b);
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
const explicit = (n: number, c: Buffer): Buffer => tlv(0xa0 + n, c);

function integer(raw: Buffer): Buffer {
  // DER integers are minimal (no leading zero bytes) and signed (a leading 1 bit needs one zero byte).
  let start = 0;
  while (start < raw.length - 1 && raw[start] === 0) start++;
  const b = raw.subarray(start);
  return tlv(0x02, (b[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  // UTCTime until 2049, GeneralizedTime after (RFC 5280 4.1.2.5).
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}

function pem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A scenario may state the served certificate's dates (an expired serving certificate is a real incident). */
export interface Validity {
  notBefore?: Date;
  notAfter?: Date;
  /** The DNS names in subjectAltName (an Ingress host's certificate); default localhost and 127.0.0.1. */
  dnsNames?: string[];
}

export function selfSignedCertificate(
  commonName: string,
  now = new Date(),
  validity: Validity = {},
): ServingCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8(commonName))));
  const serial = randomBytes(16);
  // Positive and full length, so no encoding edge case can make the certificate invalid (was: 1 start in 128).
  serial[0] = ((serial[0] ?? 0) & 0x3f) | 0x40;

  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ecdsaWithSha256,
    name,
    sequence(
      time(
        validity.notBefore ??
          new Date(
            Math.min(
              now.getTime() - 60 * 60 * 1000,
              (validity.notAfter?.getTime() ?? Infinity) - 365 * 24 * 60 * 60 * 1000,
            ),
          ),
      ),
      time(validity.notAfter ?? new Date(now.getTime() + 365 * 24 * 60 * 60 * 1000)),
    ),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      sequence(
        extension('2.5.29.15', true, bits(Buffer.from([0xa4]), 2)), // keyUsage: digitalSignature, keyEncipherment, keyCertSign
        extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
        extension('2.5.29.19', true, sequence(bool(true))), // basicConstraints: CA, so it can anchor its own chain
        extension(
          '2.5.29.17',
          false,
          validity.dnsNames
            ? sequence(...validity.dnsNames.map((n) => tlv(0x82, Buffer.from(n))))
            : sequence(tlv(0x82, Buffer.from('localhost')), tlv(0x87, Buffer.from([127, 0, 0, 1]))),
        ), // SAN
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, ecdsaWithSha256, bits(signature));
  return { cert: pem('CERTIFICATE', certificate), key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
