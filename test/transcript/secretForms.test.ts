import { describe, expect, it } from 'vitest';
import { redactEvent, redactText } from '../../src/base/redact.js';

/**
 * One row per secret form (issue 14 item 4): where it shows up, the text as a
 * check or a log carries it, what must be left of it, the secret that must be
 * gone, and the parts around it that must survive. Example values are the
 * vendors' own documented examples where they have one:
 * - AWS credentials file and key ids: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
 * - HTTP Digest: RFC 2617 section 3.5 (Mufasa / "Circle Of Life")
 * - PuTTY key files: https://the.earth.li/~sgtatham/putty/0.78/htmldoc/AppendixC.html
 * - OpenPGP armour: RFC 4880 section 6.2
 * - Stripe keys: https://docs.stripe.com/keys
 */
interface Form {
  form: string;
  input: string;
  expected: string;
  secrets: string[];
  keeps: string[];
}

const forms: Form[] = [
  {
    form: 'URL password in a log line',
    input: 'level=error msg="dial failed" dsn=postgres://app:Sup3r-S3cret@db.shop.svc:5432/orders',
    expected: 'level=error msg="dial failed" dsn=postgres://app:[REDACTED]@db.shop.svc:5432/orders',
    secrets: ['Sup3r-S3cret'],
    keeps: ['postgres://app:', '@db.shop.svc:5432/orders', 'dial failed'],
  },
  {
    form: 'PGPASSWORD in an env dump',
    input: 'PGHOST=db PGUSER=app PGPASSWORD=Sup3r-S3cret psql -c "select 1"',
    expected: 'PGHOST=db PGUSER=app PGPASSWORD=[REDACTED] psql -c "select 1"',
    secrets: ['Sup3r-S3cret'],
    keeps: ['PGHOST=db', 'PGUSER=app', 'psql -c "select 1"'],
  },
  {
    form: 'Bearer token in a log line',
    input:
      'I1206 10:00:00.000001 1 round_trippers.go:466] curl -H "Authorization: Bearer 4f9c1b2a7d3e8f60a1b2c3d4" https://10.0.0.1:6443/api',
    expected:
      'I1206 10:00:00.000001 1 round_trippers.go:466] curl -H "Authorization: Bearer [REDACTED]" https://10.0.0.1:6443/api',
    secrets: ['4f9c1b2a7d3e8f60a1b2c3d4'],
    keeps: ['round_trippers.go:466', 'Authorization: Bearer', 'https://10.0.0.1:6443/api'],
  },
  {
    form: 'AWS credentials file (key = value with spaces)',
    input:
      '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\naws_session_token = IQoJb3JpZ2luX2VjEXAMPLETOKEN\nregion = us-west-2',
    expected:
      '[default]\naws_access_key_id = [REDACTED]\naws_secret_access_key = [REDACTED]\naws_session_token = [REDACTED]\nregion = us-west-2',
    secrets: ['wJalrXUtnFEMI', 'IQoJb3JpZ2luX2VjEXAMPLETOKEN', 'AKIAIOSFODNN7EXAMPLE'],
    keeps: ['[default]', 'aws_secret_access_key = ', 'aws_session_token = ', 'region = us-west-2'],
  },
  {
    form: 'ASIA temporary access key id',
    input:
      'AccessDenied: User arn:aws:sts::123456789012:assumed-role/node/i-0abc with key ASIAIOSFODNN7EXAMPLE is not authorized',
    expected:
      'AccessDenied: User arn:aws:sts::123456789012:assumed-role/node/i-0abc with key [REDACTED] is not authorized',
    secrets: ['ASIAIOSFODNN7EXAMPLE'],
    keeps: ['arn:aws:sts::123456789012:assumed-role/node/i-0abc', 'is not authorized'],
  },
  {
    form: '--api-key and its value as separate items of a JSON array (container args)',
    input: '"args": [\n  "--listen=:8080",\n  "--api-key",\n  "k-83c1f0e2a9",\n  "--verbose"\n]',
    expected: '"args": [\n  "--listen=:8080",\n  "--api-key",\n  "[REDACTED]",\n  "--verbose"\n]',
    secrets: ['k-83c1f0e2a9'],
    keeps: ['"--listen=:8080"', '"--api-key"', '"--verbose"'],
  },
  {
    form: '--api-key and its value as separate items of a YAML list',
    input:
      '    args:\n    - --listen=:8080\n    - --api-key\n    - k-83c1f0e2a9\n    - "--db-pass"\n    - "hunter2"\n    - --verbose',
    expected:
      '    args:\n    - --listen=:8080\n    - --api-key\n    - [REDACTED]\n    - "--db-pass"\n    - [REDACTED]\n    - --verbose',
    secrets: ['k-83c1f0e2a9', 'hunter2'],
    keeps: ['- --listen=:8080', '- --api-key', '- --verbose'],
  },
  {
    form: '--api-key and its value in /proc/<pid>/cmdline (NUL-separated)',
    input: '/usr/bin/agent\0--api-key\0k-83c1f0e2a9\0--region\0eu-west-1\0',
    expected: '/usr/bin/agent\0--api-key\0[REDACTED]\0--region\0eu-west-1\0',
    secrets: ['k-83c1f0e2a9'],
    keeps: ['/usr/bin/agent', '--region\0eu-west-1'],
  },
  {
    form: '--api-key value in a ps line',
    input: 'root  812  0.1  agent --api-key k-83c1f0e2a9 --region eu-west-1',
    expected: 'root  812  0.1  agent --api-key [REDACTED] --region eu-west-1',
    secrets: ['k-83c1f0e2a9'],
    keeps: ['agent --api-key', '--region eu-west-1'],
  },
  {
    form: 'DB_PASS env pair',
    input: 'env: DB_HOST=db DB_USER=app DB_PASS=hunter2-db DB_NAME=orders',
    expected: 'env: DB_HOST=db DB_USER=app DB_PASS=[REDACTED] DB_NAME=orders',
    secrets: ['hunter2-db'],
    keeps: ['DB_HOST=db', 'DB_USER=app', 'DB_NAME=orders'],
  },
  {
    form: 'db_pass as a YAML key',
    input: 'database:\n  db_user: app\n  db_pass: hunter2-db\n  bypass: none',
    expected: 'database:\n  db_user: app\n  db_pass: [REDACTED]\n  bypass: none',
    secrets: ['hunter2-db'],
    keeps: ['db_user: app', 'bypass: none'],
  },
  {
    form: 'X-Api-Key header mid-line',
    input:
      'time="2026-12-06T10:00:00Z" level=debug msg="calling upstream" headers="Accept: */* X-Api-Key: 5d41402abc4b2a76b9719d91 User-Agent: agent/1.2"',
    expected:
      'time="2026-12-06T10:00:00Z" level=debug msg="calling upstream" headers="Accept: */* X-Api-Key: [REDACTED] User-Agent: agent/1.2"',
    secrets: ['5d41402abc4b2a76b9719d91'],
    keeps: ['Accept: */*', 'User-Agent: agent/1.2', 'X-Api-Key: '],
  },
  {
    form: 'X-Vault-Token in a curl command',
    input: "curl -s -H 'X-Vault-Token: hvs.CAESIJ3examplevaulttoken' https://vault:8200/v1/secret/data/db",
    expected: "curl -s -H 'X-Vault-Token: [REDACTED]' https://vault:8200/v1/secret/data/db",
    secrets: ['hvs.CAESIJ3examplevaulttoken'],
    keeps: ['curl -s -H', 'https://vault:8200/v1/secret/data/db'],
  },
  {
    form: 'HTTP Digest response',
    input:
      'Authorization: Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    expected:
      'Authorization: Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="[REDACTED]", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    secrets: ['6629fae49393a05397450978507c4ef1'],
    keeps: ['username="Mufasa"', 'uri="/dir/index.html"', 'opaque="5ccc069c403ebaf9f0171e9517f40e41"'],
  },
  {
    form: 'PGP private key block',
    input:
      'importing signing key:\n-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF2lnPIBCADJexamplePGPkeymaterial\n=WXYZ\n-----END PGP PRIVATE KEY BLOCK-----\ngpg: key 0x1234: secret key imported',
    expected:
      'importing signing key:\n-----BEGIN PGP PRIVATE KEY BLOCK-----[REDACTED]-----END PGP PRIVATE KEY BLOCK-----\ngpg: key 0x1234: secret key imported',
    secrets: ['lQOYBF2lnPIBCADJexamplePGPkeymaterial'],
    keeps: ['importing signing key:', 'gpg: key 0x1234: secret key imported'],
  },
  {
    form: 'PuTTY private key file',
    input: [
      'PuTTY-User-Key-File-3: ssh-ed25519',
      'Encryption: none',
      'Comment: eddsa-key-20261206',
      'Public-Lines: 2',
      'AAAAC3NzaC1lZDI1NTE5AAAAIExamplePublicKeyLineOne',
      'ExamplePublicKeyLineTwo=',
      'Private-Lines: 1',
      'AAAAIExamplePrivateKeyMaterialMustGo=',
      'Private-MAC: 5c8b7a4d1f0e9c2b3a6d5e4f7081a2b3c4d5e6f708192a3b4c5d6e7f8091a2b',
      'after the key',
    ].join('\n'),
    expected: [
      'PuTTY-User-Key-File-3: ssh-ed25519',
      'Encryption: none',
      'Comment: eddsa-key-20261206',
      'Public-Lines: 2',
      'AAAAC3NzaC1lZDI1NTE5AAAAIExamplePublicKeyLineOne',
      'ExamplePublicKeyLineTwo=',
      'Private-Lines: 1',
      '[REDACTED]',
      'Private-MAC: [REDACTED]',
      'after the key',
    ].join('\n'),
    secrets: ['ExamplePrivateKeyMaterialMustGo', '5c8b7a4d1f0e9c2b'],
    keeps: ['Comment: eddsa-key-20261206', 'ExamplePublicKeyLineTwo=', 'after the key'],
  },
  {
    form: 'PuTTY private key cut off before its MAC',
    input: 'PuTTY-User-Key-File-2: ssh-rsa\nPrivate-Lines: 14\nAAABAExamplePrivateKeyMaterialMustGo',
    expected: 'PuTTY-User-Key-File-2: ssh-rsa\nPrivate-Lines: 14\n[REDACTED]',
    secrets: ['ExamplePrivateKeyMaterialMustGo'],
    keeps: ['PuTTY-User-Key-File-2: ssh-rsa'],
  },
  {
    form: 'Stripe live secret key',
    input: 'stripe: request failed for key sk_live_51H8exampleExampleExample00 (HTTP 401)',
    expected: 'stripe: request failed for key [REDACTED] (HTTP 401)',
    secrets: ['sk_live_51H8exampleExampleExample00'],
    keeps: ['stripe: request failed for key', '(HTTP 401)'],
  },
  {
    form: 'clientKeyData in host output (client-go spelling)',
    input:
      'contexts:\n  current: admin\nclientCertificateData: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1J\nclientKeyData: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB\nserver: https://10.0.0.1:6443',
    expected:
      'contexts:\n  current: admin\nclientCertificateData: [CERTIFICATE]\nclientKeyData: [REDACTED]\nserver: https://10.0.0.1:6443',
    secrets: ['LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB'],
    keeps: ['current: admin', 'server: https://10.0.0.1:6443'],
  },
  {
    form: 'clientKeyData as a JSON field',
    input: '{"server":"https://10.0.0.1:6443","clientKeyData":"LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVkt","insecure":false}',
    expected: '{"server":"https://10.0.0.1:6443","clientKeyData":"[REDACTED]","insecure":false}',
    secrets: ['LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVkt'],
    keeps: ['"server":"https://10.0.0.1:6443"', '"insecure":false'],
  },
];

describe('every secret form is redacted, and what surrounds it survives', () => {
  it.each(forms.map((f) => [f.form, f] as const))('%s', (_form, f) => {
    const out = redactText(f.input);
    expect(out).toBe(f.expected);
    for (const s of f.secrets) expect(out).not.toContain(s);
    for (const k of f.keeps) expect(out).toContain(k);
    // Redacting again changes nothing: a report or replay of a redacted transcript is stable.
    expect(redactText(out)).toBe(out);
  });
});

describe('ordinary text near the new forms stays as it was', () => {
  it.each([
    [
      'a flag naming a file',
      'kubelet --token-file=/var/run/token --bootstrap-kubeconfig /etc/kubernetes/bootstrap.conf',
    ],
    ['a bypass setting', 'BYPASS=1 COMPASS=north'],
    ['a digest that is not a response', 'image sha256:6629fae49393a05397450978507c4ef1 response=200'],
    [
      'a WWW-Authenticate challenge',
      'WWW-Authenticate: Digest realm="testrealm@host.com", qop="auth", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"',
    ],
    ['a test summary', 'Pass: 12 Fail: 0'],
    [
      'a ps line with flags that are not secrets',
      'root 1 kube-apiserver --secure-port=6443 --service-account-key-file=/etc/sa.pub',
    ],
    ['a YAML list of flags', '- --v=2\n- --cluster-dns\n- 10.96.0.10'],
    ['an AWS key id named as such, in prose', 'the access key id starts with AKIA or ASIA'],
  ])('%s', (_name, input) => {
    expect(redactText(input)).toBe(input);
  });
});

describe('by structure', () => {
  it('redacts the item after a secret flag in an argv array, and clientKeyData fields', () => {
    const event = {
      facts: {
        args: ['--listen=:8080', '--api-key', 'k-83c1f0e2a9', '--verbose'],
        clientKeyData: 'LS0tLS1CRUdJTg',
        clientCertificateData: 'LS0tLS1DRVJU',
      },
    };
    expect(redactEvent(event)).toEqual({
      facts: {
        args: ['--listen=:8080', '--api-key', '[REDACTED]', '--verbose'],
        clientKeyData: '[REDACTED]',
        clientCertificateData: 'LS0tLS1DRVJU',
      },
    });
  });
});

describe('the new rules read a long line once', () => {
  // Each seed starts a rule again and again without finishing it; 256 KiB of each must not stall.
  it.each([
    '--api-key ',
    '"--token",',
    '- --api-key\n',
    'X-Api-Key: ',
    'x-a',
    'db_pass: ',
    'response=',
    'Private-Lines: 1\n',
    'Private-Lines: 1\nPrivate-MAC: ',
    'PASS =',
    '-----BEGIN PGP PRIVATE KEY BLOCK-----',
    'sk_live_',
    'ASIA',
    'aws_secret_access_key = ',
  ])(
    '%j repeated to 256 KiB',
    (seed) => {
      const line = seed.repeat(Math.ceil(262_144 / seed.length));
      expect(redactText(line).length).toBeGreaterThan(0);
    },
    5_000,
  );
});
