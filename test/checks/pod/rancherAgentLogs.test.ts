import { describe, expect, it } from 'vitest';
import {
  agentContext,
  appendedName,
  classifyAgentLog,
  decisiveAgentLine,
} from '../../../src/checks/pod/rancherAgentLogs.js';

// Every line below is cattle-cluster-agent (or cattle-node-agent) output pasted in a public issue; the URL is beside it.
const decide = (lines: string[]) => decisiveAgentLine(classifyAgentLog(lines));

describe('classifyAgentLog on real agent logs', () => {
  it('unknown CA through the remotedialer (Rancher 2.5.8): https://github.com/rancher/rancher/issues/33325', () => {
    const m = decide([
      'time="2021-06-22T10:29:14Z" level=error msg="Failed to connect to proxy. Empty dialer response" error="x509: certificate signed by unknown authority"',
      'time="2021-06-22T10:29:14Z" level=error msg="Remotedialer proxy error" error="x509: certificate signed by unknown authority"',
      'time="2021-06-22T10:29:24Z" level=info msg="Connecting to wss://rancher.core.kulturkosmos.lan/v3/connect/register with token hdx5q9rjcl4hbh84s8p8qxpt8drl8mm5bf2gkx9pz2c5bgnx29vxnb"',
    ]);
    expect(m?.class).toBe('unknown-ca');
  });

  it('incomplete chain, with the reason x509 gives (Rancher 2.7): https://github.com/rancher/dashboard/issues/8925', () => {
    const m = decide([
      'Certificate chain is not complete, please check if all needed intermediate certificates are included in the server certificate (in the correct order) and if the cacerts setting in Rancher either contains the correct CA certificate (in the case of using self signed certificates) or is empty (in the case of using a certificate signed by a recognized CA). Certificate information is displayed above. error: Get \\"https://192.168.5.176:32541\\": x509: certificate signed by unknown authority (possibly because of \\"x509: ECDSA verification failure\\" while trying to verify candidate authority certificate \\"dynamiclistener-ca@1684427844\\")"',
    ]);
    expect(m).toMatchObject({ class: 'unknown-ca', detail: 'x509: ECDSA verification failure' });
  });

  it('strict agent TLS with no CA configured (Rancher 2.10.2, Harvester): https://github.com/harvester/docs/pull/764', () => {
    const m = decide([
      '2025-02-13T17:25:22.520593546Z time="2025-02-13T17:25:22Z" level=info msg="Rancher agent version v2.10.2 is starting"',
      '2025-02-13T17:25:22.529886868Z time="2025-02-13T17:25:22Z" level=error msg="unable to read CA file from /etc/kubernetes/ssl/certs/serverca: open /etc/kubernetes/ssl/certs/serverca: no such file or directory"',
      '2025-02-13T17:25:22.529924542Z time="2025-02-13T17:25:22Z" level=error msg="Strict CA verification is enabled but encountered error finding root CA"',
    ]);
    expect(m).toMatchObject({
      class: 'unknown-ca',
      detail: "agent-tls-mode is strict and Rancher's cacerts setting holds no CA to verify with",
    });
  });

  it('a bad handshake answered 200 by a TLS-terminating Traefik: https://github.com/rancher/rancher/issues/30768', () => {
    const m = decide([
      'time="2021-01-11T07:50:10Z" level=error msg="Failed to connect to proxy. Response status: 200 - 200 OK. Response body: node.management.cattle.io \\"c-cgxhn/m-433af576b1bc\\" not found" error="websocket: bad handshake"',
      'time="2021-01-11T07:50:10Z" level=error msg="Remotedialer proxy error" error="websocket: bad handshake"',
    ]);
    expect(m).toMatchObject({
      class: 'bad-handshake',
      detail: 'HTTP 200 - 200 OK: node.management.cattle.io \\"c-cgxhn/m-433af576b1bc\\" not found',
    });
  });

  it('dial time-outs in both forms: https://github.com/rancher/rancher/issues/31658 and https://github.com/rancher/rancher/issues/22446', () => {
    expect(
      decide([
        'time="2021-03-11T07:06:37Z" level=error msg="Failed to connect to proxy. Empty dialer response" error="dial tcp: i/o timeout"',
      ])?.class,
    ).toBe('connect-timeout');
    expect(
      decide([
        'time="2019-08-27T15:46:00Z" level=error msg="Failed to connect to proxy" error="read tcp X.X.X.X:51812->X.X.X.X:443: i/o timeout"',
      ]),
    ).toMatchObject({ class: 'connect-timeout', detail: 'X.X.X.X:443' });
  });

  it('a loopback server-url before the refusal it causes: the agent connects to its own pod', () => {
    // https://github.com/rancher/rancher/issues/25292 (Docker Desktop imported with server-url https://localhost)
    expect(
      decide([
        'INFO: Environment: CATTLE_ADDRESS=10.1.0.76 CATTLE_CA_CHECKSUM=368d86f4ae9b4e23245ffc129f25457b4f5edafa23ecb58db3eb3218a8606f7e CATTLE_CLUSTER=true CATTLE_INTERNAL_ADDRESS= CATTLE_K8S_MANAGED=true CATTLE_NODE_NAME=cattle-cluster-agent-6bf4c64948-nftdz CATTLE_SERVER=https://localhost',
        'INFO: Using resolv.conf: nameserver 10.96.0.10 search cattle-system.svc.cluster.local svc.cluster.local cluster.local options ndots:5',
        'ERROR: https://localhost/ping is not accessible (Failed to connect to localhost port 443: Connection refused)',
      ]),
    ).toMatchObject({ class: 'server-loopback', detail: 'https://localhost' });
    // https://github.com/rancher/rancher/issues/15242 (a port on localhost)
    expect(
      decide([
        'ERROR: https://localhost:20443/ping is not accessible (Failed to connect to localhost port 20443: Connection refused)',
      ]),
    ).toMatchObject({ class: 'server-loopback', detail: 'https://localhost:20443' });
    // A name that merely starts with localhost is not loopback.
    expect(
      decide([
        'ERROR: https://localhost.example.com/ping is not accessible (Failed to connect to localhost.example.com port 443: Connection refused)',
      ]),
    ).toMatchObject({ class: 'connect-refused' });
  });

  it("curl's words from run.sh: timed out, refused, unresolvable, an HTTP error", () => {
    // https://github.com/rancher/rancher/issues/38807 (Rancher 2.6.6)
    expect(
      decide([
        'ERROR: https://rancher.domain.io:8448/ping is not accessible (Failed to connect to rancher.domain.io port 8448: Connection timed out)',
      ]),
    ).toMatchObject({ class: 'connect-timeout', detail: 'rancher.domain.io:8448' });
    // https://github.com/rancher/rancher/issues/17105
    expect(
      decide([
        'ERROR: https://rancher.me/ping is not accessible (Failed to connect to rancher.me port 443: Connection refused)',
      ]),
    ).toMatchObject({ class: 'connect-refused', detail: 'rancher.me:443' });
    // https://github.com/rancher/rancher/issues/18832
    expect(
      decide(['ERROR: https://rancher.nik.com/ping is not accessible (Could not resolve host: rancher.nik.com)']),
    ).toMatchObject({ class: 'dns-unresolvable', detail: 'rancher.nik.com' });
    // https://github.com/rancher/rancher/issues/31392
    expect(
      decide([
        'ERROR: https://my-domain:30443/ping is not accessible (The requested URL returned error: 400 Bad Request)',
      ]),
    ).toMatchObject({ class: 'ping-http-error', detail: 'https://my-domain:30443/ping answered 400 Bad Request' });
    // https://github.com/rancher/rancher/issues/29780: the poster redacted the domain with a space; the URL stays whole.
    expect(
      decide(['ERROR: https://rancher.<MY DOMAIN>/ping is not accessible (The requested URL returned error: 404)']),
    ).toMatchObject({ class: 'ping-http-error', detail: 'https://rancher.<MY DOMAIN>/ping answered 404' });
  });

  it('reads a CATTLE_SERVER redacted with a space, up to the next variable: https://github.com/rancher/rancher/issues/29780', () => {
    const line =
      'INFO: Environment: CATTLE_ADDRESS=10.42.0.6 CATTLE_CA_CHECKSUM=5bd5632b37de5f40b5ef0233aa01fe86ae081c22e2f6633dcb8fbde586a6e80a CATTLE_CLUSTER=true CATTLE_FEATURES= CATTLE_INTERNAL_ADDRESS= CATTLE_IS_RKE=true CATTLE_K8S_MANAGED=true CATTLE_NODE_NAME=cattle-cluster-agent-7c56d97f45-wfx95 CATTLE_SERVER=https://rancher.<MY DOMAIN>';
    expect(agentContext([line]).agentServer).toBe('https://rancher.<MY DOMAIN>');
    // Constructed (no pasted line has a variable after CATTLE_SERVER): the next variable is not taken into the value.
    expect(
      agentContext([
        'INFO: Environment: CATTLE_ADDRESS=10.42.0.52 CATTLE_SERVER=https://rancher.me CATTLE_CLUSTER=true',
      ]).agentServer,
    ).toBe('https://rancher.me');
  });

  it('a CA checksum mismatch: https://github.com/rancher/rancher/issues/13244', () => {
    expect(
      decide([
        'ERROR: Configured cacerts checksum (9a67a40ea60817029b02c46d94f88966dbc5a4cfc02fa551bd9e3b2fc2bfed18) does not match given --ca-checksum (a3ae58ed228acbdb9989b0d4017139cae079c345545fc796fff4323d539d1f43)',
        'ERROR: Please check if the correct certificate is configured at https://206.189.238.40/v3/settings/cacerts',
      ]),
    ).toMatchObject({ class: 'ca-checksum-mismatch' });
  });

  it('a checksum the server no longer has a CA for (Rancher 2.6.3): https://github.com/rancher/rancher/issues/36572', () => {
    expect(
      decide([
        'The environment variable CATTLE_CA_CHECKSUM is set but there is no CA certificate configured at https://xxxx:8443/v3/settings/cacerts',
      ]),
    ).toMatchObject({
      class: 'ca-checksum-mismatch',
      detail: 'a checksum is set, but https://xxxx:8443/v3/settings/cacerts serves no CA',
    });
  });

  it('reads the environment and the certificate details the agent prints: https://github.com/cert-manager/cert-manager/issues/6238', () => {
    const facts = agentContext([
      'INFO: Environment: CATTLE_ADDRESS=10.42.0.52 CATTLE_CA_CHECKSUM= CATTLE_CLUSTER=true CATTLE_SERVER=https://rancher.mydomain.com',
      'INFO: https://rancher.mydomain.com/ping is accessible',
      'INFO: rancher.mydomain.com resolves to 24.199.71.176',
      'time="2023-07-27T09:53:28Z" level=info msg="Rancher agent version v2.7.5 is starting"',
      'time="2023-07-27T09:53:29Z" level=info msg="Subject: CN=mydomain.com"',
      'time="2023-07-27T09:53:29Z" level=info msg="Issuer: CN=R3,O=Let\'s Encrypt,C=US"',
    ]);
    expect(facts).toEqual({
      agentServer: 'https://rancher.mydomain.com',
      caChecksum: '(empty)',
      pingAccessible: true,
      serverAddress: '24.199.71.176',
      agentVersion: 'v2.7.5',
      certSubject: 'CN=mydomain.com',
      certIssuer: "CN=R3,O=Let's Encrypt,C=US",
    });
  });

  it('the node search domains the agent resolves with, and the name tried first: https://github.com/rancher/rancher/issues/29780', () => {
    const ctx = agentContext([
      'INFO: Environment: CATTLE_ADDRESS=10.42.0.6 CATTLE_CA_CHECKSUM=5bd5632b37de5f40b5ef0233aa01fe86ae081c22e2f6633dcb8fbde586a6e80a CATTLE_CLUSTER=true CATTLE_FEATURES= CATTLE_INTERNAL_ADDRESS= CATTLE_IS_RKE=true CATTLE_K8S_MANAGED=true CATTLE_NODE_NAME=cattle-cluster-agent-7c56d97f45-wfx95 CATTLE_SERVER=https://rancher.<MY DOMAIN>',
      'INFO: Using resolv.conf: nameserver 10.43.0.10 search cattle-system.svc.cluster.local svc.cluster.local cluster.local <MY DOMAIN> options ndots:5',
    ]);
    expect(ctx).toMatchObject({ agentSearchDomains: '<MY DOMAIN>', agentNdots: 5 });
    expect(appendedName(ctx)).toBe('rancher.<MY DOMAIN>.<MY DOMAIN>');
    // rancher#17105: the node's search domain localdomain; the name is tried as rancher.me.localdomain first.
    const me = agentContext([
      'INFO: Environment: CATTLE_ADDRESS=10.42.0.52 CATTLE_CA_CHECKSUM=bef8cee61dab2c6de88cb8444a5cc16203e6f82559faaec81b27e34aec479d27 CATTLE_CLUSTER=true CATTLE_INTERNAL_ADDRESS= CATTLE_K8S_MANAGED=true CATTLE_NODE_NAME=cattle-cluster-agent-766dfbf568-n7dbk CATTLE_SERVER=https://rancher.me',
      'INFO: Using resolv.conf: nameserver 10.43.0.10 search cattle-system.svc.cluster.local svc.cluster.local cluster.local localdomain options ndots:5',
    ]);
    expect(appendedName(me)).toBe('rancher.me.localdomain');
    // rancher#30248: two node domains, the first tried (the host ends in neither).
    expect(
      agentContext([
        'INFO: Using resolv.conf: nameserver 10.XXX.YYY.ZZZ search cattle-system.svc.cluster.local svc.cluster.local cluster.local ffm.web web options ndots:5',
      ]),
    ).toMatchObject({ agentSearchDomains: 'ffm.web web', agentNdots: 5 });
    // rancher#15242: only the cluster's domains, nothing of the node's.
    const cluster = agentContext([
      'INFO: Environment: CATTLE_ADDRESS=10.1.0.101 CATTLE_CA_CHECKSUM=255e3dccaf6b103d93ac296301b16650ecf94277c73919be75bbb4d638021c7a CATTLE_CLUSTER=true CATTLE_INTERNAL_ADDRESS= CATTLE_K8S_MANAGED=true CATTLE_NODE_NAME=cattle-cluster-agent-7547d7dd49-8qrm8 CATTLE_SERVER=https://localhost:20443',
      'INFO: Using resolv.conf: nameserver 10.96.0.10 search cattle-system.svc.cluster.local svc.cluster.local cluster.local options ndots:5',
    ]);
    expect(cluster.agentSearchDomains).toBeUndefined();
    expect(appendedName(cluster)).toBeUndefined();
  });

  it('healthy start-up lines classify as nothing', () => {
    expect(
      classifyAgentLog([
        'INFO: https://rancher.example.com/ping is accessible',
        'time="2018-10-30T15:55:44Z" level=info msg="Connecting to wss://rancher.example.com/v3/connect/register with token fpmmxjn9k2mmhc5tldsqvvbltl7zrkv2wdqx7b5qzzlnl5gw7ld7ht"',
      ]),
    ).toEqual([]);
  });
});
