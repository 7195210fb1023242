import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/engine/events.js';
import { InputError } from '../../src/base/source.js';
import { loadExtraPatterns, redactAhead, redactEvent, redactText } from '../../src/base/redact.js';

const jwt =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6IkRfUzNxIn0.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwic3ViIjoic3lzdGVtOnNlcnZpY2VhY2NvdW50OnNob3A6d2ViIn0.dGhpc2lzbm90YXJlYWxzaWduYXR1cmVidXRsb29rc2xpa2VvbmU';

const rsaKey = `-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun
VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK
-----END RSA PRIVATE KEY-----`;

// Each case: what a check or a log could really carry, and what must be left of it.
const secrets: [string, string, string][] = [
  [
    'kubelet log line with a bearer token',
    `I1123 02:10:45.123456    2211 round_trippers.go:466] curl -v -XGET -H "Accept: application/json" -H "Authorization: Bearer ${jwt}" 'https://10.0.0.1:6443/api/v1/nodes/worker-1'`,
    `I1123 02:10:45.123456    2211 round_trippers.go:466] curl -v -XGET -H "Accept: application/json" -H "Authorization: Bearer [REDACTED]" 'https://10.0.0.1:6443/api/v1/nodes/worker-1'`,
  ],
  [
    'curl with an Authorization header, single quotes',
    `curl -sk -H 'Authorization: Bearer ${jwt}' https://kubernetes.default.svc/api`,
    `curl -sk -H 'Authorization: Bearer [REDACTED]' https://kubernetes.default.svc/api`,
  ],
  ['basic authorization header', 'authorization: Basic dXNlcjpodW50ZXIy', 'authorization: Basic [REDACTED]'],
  ['authorization header without a scheme', 'Authorization: 9f8e7d6c5b4a', 'Authorization: [REDACTED]'],
  [
    'a bare bearer token in a message',
    `using Bearer ${jwt.slice(0, 40)}x1 for the request`,
    'using Bearer [REDACTED] for the request',
  ],
  ['a JWT on its own', `token file contents: ${jwt}`, 'token file contents: [REDACTED]'],
  [
    'kubeconfig user with token and key data',
    `users:
- name: admin@prod
  user:
    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM4akNDQWRxZ0F3SUJBZ0lJ
    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB
    token: 0123456789abcdef0123456789abcdef
- name: basic
  user:
    username: admin
    password: hunter2`,
    `users:
- name: admin@prod
  user:
    client-certificate-data: [CERTIFICATE]
    client-key-data: [REDACTED]
    token: [REDACTED]
- name: basic
  user:
    username: admin
    password: [REDACTED]`,
  ],
  [
    'kubeconfig OIDC auth-provider',
    `    auth-provider:
      config:
        client-id: kubernetes
        client-secret: 8a4c1e0b-secret
        id-token: ${jwt}
        refresh-token: ChlzZXNzaW9uLXJlZnJlc2gtdG9rZW4
      name: oidc`,
    `    auth-provider:
      config:
        client-id: kubernetes
        client-secret: [REDACTED]
        id-token: [REDACTED]
        refresh-token: [REDACTED]
      name: oidc`,
  ],
  [
    'an RSA private key inside a log',
    `2026-11-23T02:10:45Z loading key from env:\n${rsaKey}\n2026-11-23T02:10:46Z listening on :8443`,
    '2026-11-23T02:10:45Z loading key from env:\n-----BEGIN RSA PRIVATE KEY-----[REDACTED]-----END RSA PRIVATE KEY-----\n2026-11-23T02:10:46Z listening on :8443',
  ],
  [
    'an OpenSSH key cut off by a log limit',
    'key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ',
    'key:\n-----BEGIN OPENSSH PRIVATE KEY-----[REDACTED]-----END OPENSSH PRIVATE KEY-----',
  ],
  [
    'a password in a URL',
    'dial mysql://root:hunter2@db:3306/shop failed',
    'dial mysql://root:[REDACTED]@db:3306/shop failed',
  ],
  [
    'a password in an https URL',
    'git clone https://deploy:ghx-9f8e7d@git.example.com/shop.git',
    'git clone https://deploy:[REDACTED]@git.example.com/shop.git',
  ],
  ['env pair', 'MYSQL_ROOT_PASSWORD=hunter2', 'MYSQL_ROOT_PASSWORD=[REDACTED]'],
  [
    'env pairs in a ps line',
    'env PASSWORD=s3cret GITHUB_TOKEN=abc123 APP_SECRET="two words" API_KEY=k-1 /app',
    'env PASSWORD=[REDACTED] GITHUB_TOKEN=[REDACTED] APP_SECRET=[REDACTED] API_KEY=[REDACTED] /app',
  ],
  [
    'a token in a query string',
    'GET /callback?code=x&access_token=ya29.a0Af&state=1',
    'GET /callback?code=x&access_token=[REDACTED]&state=1',
  ],
  [
    '--password=x',
    'mysqladmin --user=root --password=hunter2 ping',
    'mysqladmin --user=root --password=[REDACTED] ping',
  ],
  [
    '--token x',
    'kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:1234',
    'kubeadm join 10.0.0.1:6443 --token [REDACTED] --discovery-token-ca-cert-hash sha256:1234',
  ],
  [
    'kubectl --from-literal',
    'kubectl create secret generic db --from-literal=password=hunter2',
    'kubectl create secret generic db --from-literal=password=[REDACTED]',
  ],
  [
    'JSON password field',
    '{"user":"root","password":"hunter2","port":3306}',
    '{"user":"root","password":"[REDACTED]","port":3306}',
  ],
  [
    'JSON apiKey with escaped quotes',
    '{"apiKey": "ab\\"cd", "region": "eu"}',
    '{"apiKey": "[REDACTED]", "region": "eu"}',
  ],
  [
    'YAML secret fields',
    'db:\n  host: db\n  password: "hunter2"\n  clientSecret: abc\n',
    'db:\n  host: db\n  password: [REDACTED]\n  clientSecret: [REDACTED]\n',
  ],
  [
    'YAML block scalar',
    'config:\n  privateKey: |\n    line one\n    line two\n  next: 1',
    'config:\n  privateKey: [REDACTED]\n  next: 1',
  ],
  [
    'password: mid-line',
    'connecting as root with password: hunter2 to db',
    'connecting as root with password: [REDACTED] to db',
  ],
  [
    'Secret object as JSON',
    '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db-creds","namespace":"shop"},"type":"Opaque","data":{"username":"cm9vdA==","tls.key":"LS0tLS1CRUdJTg=="}}',
    '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db-creds","namespace":"shop"},"type":"Opaque","data":{"username":"[REDACTED]","tls.key":"[REDACTED]"}}',
  ],
  [
    'Secret object as YAML',
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-creds\ndata:\n  username: cm9vdA==\n  ca.crt: LS0tLS1CRUdJTg==\nstringData:\n  config.yaml: |\n    user: root\n    pass: hunter2\ntype: Opaque',
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-creds\ndata:\n  username: [REDACTED]\n  ca.crt: [REDACTED]\nstringData:\n  config.yaml: [REDACTED]\ntype: Opaque',
  ],
  ['a GitHub token', 'pulling with ghp_0123456789abcdefghijklmnopqrstuvwxyzAB', 'pulling with [REDACTED]'],
];

// Ordinary evidence that must come through untouched.
const ordinary: [string, string][] = [
  ['pod name', 'web-7d4b9c8f6-x2x9k'],
  ['node name', 'ip-10-0-12-34.eu-west-1.compute.internal'],
  [
    'a kubectl command',
    'kubectl get events -n shop --field-selector involvedObject.kind=Pod,involvedObject.name=web-0,reason=FailedScheduling',
  ],
  [
    'a scheduler message',
    "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match Pod's node affinity/selector.",
  ],
  ['an ISO time', '2026-11-23T02:10:45.533Z'],
  ['an image with a tag and digest', 'registry.example.com/shop/web:2.14.1@sha256:4f1c0c5e6b1b'],
  ['token as an English word', 'the token expired; kubelet will request a new token'],
  ['Bearer token in prose', 'the Bearer token was rejected by the API server'],
  ['Basic auth in prose', 'Basic authentication is not enabled'],
  ['a Secret reference in a pod spec', 'volumes:\n- name: creds\n  secret:\n    secretName: db-password\n'],
  ['a secretKeyRef', '{"name":"DB_PASSWORD","valueFrom":{"secretKeyRef":{"name":"db-creds","key":"password"}}}'],
  ['a missing secret event', 'MountVolume.SetUp failed for volume "creds" : secret "db-password" not found'],
  ['a file path env var', 'PASSWORD_FILE=/run/secrets/db'],
  ['a URL with a port', 'https://10.0.0.1:6443/api/v1/namespaces/shop/pods/web-0'],
  ['a ConfigMap', 'kind: ConfigMap\ndata:\n  LOG_LEVEL: debug\n'],
  [
    'kubeconfig CA path and booleans',
    'clusters:\n- cluster:\n    certificate-authority: /etc/ca.crt\n    insecure-skip-tls-verify: false\n  name: prod',
  ],
  ['automountServiceAccountToken', 'automountServiceAccountToken: false'],
  ['tokens count', 'max_tokens=512 tokenTTL=3600'],
  ['a taint', 'node.kubernetes.io/unreachable:NoExecute'],
  ['an RBAC api group', '{"apiGroups":["rbac.authorization.k8s.io"],"kind":"ClusterRole"}'],
  ['a kubectl command reading a Secret', 'kubectl get secret db-creds -n shop -o yaml'],
  ['other headers', 'curl -H "Accept: application/json" -H "User-Agent: kubectl/v1.31.0"'],
];

describe('redactText', () => {
  it.each(secrets)('%s', (_name, input, expected) => {
    expect(redactText(input)).toBe(expected);
    // Redacting twice changes nothing: a report of a redacted transcript is stable.
    expect(redactText(expected)).toBe(expected);
  });

  it.each(ordinary)('leaves %s alone', (_name, input) => {
    expect(redactText(input)).toBe(input);
  });

  it('applies extra patterns to whole matches', () => {
    expect(redactText('x-acme-session: abc123 user=7', [/(?<=x-acme-session: )\S+/])).toBe(
      'x-acme-session: [REDACTED] user=7',
    );
  });
});

describe('redactEvent', () => {
  it('redacts every string deeply and keeps keys and other values', () => {
    const event: Extract<SessionEvent, { type: 'check.result' }> = {
      type: 'check.result',
      step: 'pod-logs',
      check: 'pod.logs',
      outcome: 'errors',
      summary: 'the app logs a failed login',
      evidence: [
        { label: 'log', value: 'login failed for mysql://app:hunter2@db:3306' },
        { label: 'MYSQL_PASSWORD', value: 'hunter2' },
      ],
      facts: { password: 'hunter2', restartCount: 3, ready: false },
      durationMs: 12,
      timedOut: false,
      verdict: 'finding',
    };
    expect(redactEvent(event)).toEqual({
      ...event,
      evidence: [
        { label: 'log', value: 'login failed for mysql://app:[REDACTED]@db:3306' },
        { label: 'MYSQL_PASSWORD', value: '[REDACTED]' },
      ],
      facts: { password: '[REDACTED]', restartCount: 3, ready: false },
    });
    expect(event.facts.password).toBe('hunter2');
  });

  it('redacts a Kubernetes Secret object and env values with secret names', () => {
    const obj = {
      objects: [
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { user: 'cm9vdA==', 'tls.key': 'LS0t' } },
        { kind: 'ConfigMap', data: { level: 'debug' } },
        {
          kind: 'Pod',
          spec: {
            containers: [
              {
                env: [
                  { name: 'MYSQL_ROOT_PASSWORD', value: 'hunter2' },
                  { name: 'MODE', value: 'prod' },
                ],
              },
            ],
          },
        },
      ],
    };
    expect(redactEvent(obj)).toEqual({
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'db' },
          data: { user: '[REDACTED]', 'tls.key': '[REDACTED]' },
        },
        { kind: 'ConfigMap', data: { level: 'debug' } },
        {
          kind: 'Pod',
          spec: {
            containers: [
              {
                env: [
                  { name: 'MYSQL_ROOT_PASSWORD', value: '[REDACTED]' },
                  { name: 'MODE', value: 'prod' },
                ],
              },
            ],
          },
        },
      ],
    });
  });

  it('leaves an event with nothing secret equal to itself', () => {
    const event: SessionEvent = {
      type: 'check.start',
      step: 'pod-status',
      check: 'pod.status',
      params: { namespace: 'shop', name: 'web-0' },
      command: 'kubectl get pod web-0 -n shop -o wide',
    };
    expect(redactEvent(event)).toEqual(event);
  });
});

describe('loadExtraPatterns', () => {
  it('reads nothing when PLUMBLINE_REDACT is unset or blank', () => {
    expect(loadExtraPatterns({})).toEqual([]);
    expect(loadExtraPatterns({ PLUMBLINE_REDACT: '  ' })).toEqual([]);
  });

  it('splits on newlines and commas, but not commas inside quantifiers or classes', () => {
    const patterns = loadExtraPatterns({ PLUMBLINE_REDACT: 'acme-[0-9]{4,8},/INTERNAL-\\w+/i\nfoo[,;]bar,a\\,b' });
    expect(patterns.map((p) => p.source)).toEqual(['acme-[0-9]{4,8}', 'INTERNAL-\\w+', 'foo[,;]bar', 'a,b']);
    expect(redactText('id acme-12345 and internal-xyz', patterns)).toBe('id [REDACTED] and [REDACTED]');
  });

  it.each([
    ['an invalid regex', 'ok,(unclosed', 'PLUMBLINE_REDACT:2:1: bad pattern "(unclosed": '],
    [
      'a pattern matching the empty string',
      'x*',
      'PLUMBLINE_REDACT:1:1: bad pattern "x*": it matches the empty string',
    ],
  ])('rejects %s as bad input', (_name, value, message) => {
    expect(() => loadExtraPatterns({ PLUMBLINE_REDACT: value })).toThrow(InputError);
    expect(() => loadExtraPatterns({ PLUMBLINE_REDACT: value })).toThrow(message);
  });
});

describe('redaction reads a long line once (a 256 KiB line of a token prefix stalled a walk 35 s)', () => {
  // The rule used to back off over the whole run from every `eyJ`: quadratic. Each case here took seconds to minutes before.
  it.each(['eyJ-', 'glpat-', 'xoxb-', 'ghp_a', 'eyJhbGciOi.', 'eyJ_'])(
    '%j repeated to 256 KiB',
    (seed) => {
      const line = seed.repeat(Math.ceil(262_144 / seed.length));
      expect(redactText(line).length).toBeGreaterThan(0);
    },
    5_000,
  );

  it('still finds every JWT, inside a longer run too, and keeps the text around it', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IkYifQ.eyJpc3MiOiJrdWJlcm5ldGVzIn0.c2lnbmF0dXJlLXZhbHVl';
    expect(redactText(`token=${jwt} end`)).toBe('token=[REDACTED] end');
    expect(redactText(`id-token ${jwt}.trailing`)).toBe('id-token [REDACTED].trailing');
    expect(redactText(`a-${jwt}`)).toBe('a-[REDACTED]');
    // Not at a word boundary, or too short: not a JWT.
    expect(redactText(`xeyJhbGciOiJSUzI1.eyJpc3MiOiJr.sig`)).toBe('xeyJhbGciOiJSUzI1.eyJpc3MiOiJr.sig');
    expect(redactText('eyJabc.eyJdefghijkl.x')).toBe('eyJabc.eyJdefghijkl.x');
    expect(redactText('glpat-abcdefghijklmnopqrstuv xoxb-1234567890abc AKIAABCDEFGHIJKLMNOP')).toBe(
      '[REDACTED] [REDACTED] [REDACTED]',
    );
    expect(redactText(`ghp_${'a'.repeat(36)}_x`)).toBe(`ghp_${'a'.repeat(36)}_x`);
  });
});

describe('a long output redacted ahead (runCheck, in a task of its own)', () => {
  const long = `${'  "name": "worker-1",\n'.repeat(300)}  "password": "hunter2hunter2",\n  "note": "keep foo here"\n`;

  it('comes out of its event as if redacted there', () => {
    const fresh = redactEvent({ raw: { text: long } }, []);
    const extra: RegExp[] = [];
    redactAhead(long, extra);
    expect(redactEvent({ raw: { text: long } }, extra)).toEqual(fresh);
    expect(fresh.raw.text).not.toContain('hunter2');
  });

  it('is kept per list of extra patterns: redacted ahead with others, it is redacted again', () => {
    const foo = [/foo/];
    redactAhead(long, foo);
    const plain = redactEvent({ raw: { text: long } }, []);
    expect(plain.raw.text).toContain('keep foo here');
    expect(redactEvent({ raw: { text: long } }, foo).raw.text).toContain('keep [REDACTED] here');
  });
});
