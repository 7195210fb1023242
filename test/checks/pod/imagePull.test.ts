import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyPullError, localImageHint, registryOf } from '../../../src/checks/pod/imagePull.js';
import { event, pod, startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

/** Real kubelet + containerd 1.7 wordings, as `kubectl describe pod` shows them. */
const pullErrors = {
  notFound:
    'Failed to pull image "mysql:9.9": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/mysql:9.9": failed to resolve reference "docker.io/library/mysql:9.9": docker.io/library/mysql:9.9: not found',
  denied:
    'Failed to pull image "registry.example.com/team/api:2.3.1": rpc error: code = Unknown desc = failed to pull and unpack image "registry.example.com/team/api:2.3.1": failed to resolve reference "registry.example.com/team/api:2.3.1": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
  token:
    'Failed to pull image "ghcr.io/acme/billing:4.0.0": rpc error: code = Unknown desc = failed to pull and unpack image "ghcr.io/acme/billing:4.0.0": failed to resolve reference "ghcr.io/acme/billing:4.0.0": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Aacme%2Fbilling%3Apull&service=ghcr.io: 401 Unauthorized',
  dns: 'Failed to pull image "harbor.internal:5000/app/web:1.2": rpc error: code = Unknown desc = failed to pull and unpack image "harbor.internal:5000/app/web:1.2": failed to resolve reference "harbor.internal:5000/app/web:1.2": failed to do request: Head "https://harbor.internal:5000/v2/app/web/manifests/1.2": dial tcp: lookup harbor.internal on 10.0.0.2:53: no such host',
  tls: 'Failed to pull image "harbor.corp/app/web:1.2": rpc error: code = Unknown desc = failed to pull and unpack image "harbor.corp/app/web:1.2": failed to resolve reference "harbor.corp/app/web:1.2": failed to do request: Head "https://harbor.corp/v2/app/web/manifests/1.2": tls: failed to verify certificate: x509: certificate signed by unknown authority',
  rate: 'Failed to pull image "nginx:1.25": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/nginx:1.25": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/nginx/manifests/sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
  disk: 'Failed to pull image "pytorch/pytorch:2.3.0-cuda12.1-cudnn8-devel": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/pytorch/pytorch:2.3.0-cuda12.1-cudnn8-devel": failed to extract layer sha256:2f2b3b6d: write /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/412/fs/opt/conda/lib/libcublasLt.so.12: no space left on device: unknown',
};

const waitingPod = (
  name: string,
  image: string,
  reason: string,
  message?: string,
  spec: Record<string, unknown> = {},
) =>
  pod(
    name,
    'app',
    { nodeName: 'worker-1', containers: [{ name: 'main', image }], ...spec },
    {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'main',
          image,
          imageID: '',
          ready: false,
          started: false,
          restartCount: 0,
          state: { waiting: { reason, ...(message ? { message } : {}) } },
        },
      ],
    },
  );

const failed = (name: string, message: string, count = 4) => [
  event(
    'app',
    name,
    'Normal',
    'Pulling',
    `Pulling image "${/"([^"]+)"/.exec(message)?.[1] ?? ''}"`,
    count + 1,
    'now-2m',
  ),
  event('app', name, 'Warning', 'Failed', message, count, 'now-2m'),
  event('app', name, 'Warning', 'Failed', 'Error: ErrImagePull', count, 'now-2m'),
  event('app', name, 'Warning', 'Failed', 'Error: ImagePullBackOff', count * 3, 'now-1m'),
];

const objects = [
  waitingPod('not-found', 'mysql:9.9', 'ImagePullBackOff', 'Back-off pulling image "mysql:9.9"'),
  ...failed('not-found', pullErrors.notFound, 5),
  waitingPod('denied', 'registry.example.com/team/api:2.3.1', 'ErrImagePull'),
  ...failed('denied', pullErrors.denied),
  waitingPod('token', 'ghcr.io/acme/billing:4.0.0', 'ErrImagePull', undefined, {
    imagePullSecrets: [{ name: 'ghcr-pull' }],
  }),
  ...failed('token', pullErrors.token),
  waitingPod('dns', 'harbor.internal:5000/app/web:1.2', 'ImagePullBackOff'),
  ...failed('dns', pullErrors.dns),
  waitingPod('tls', 'harbor.corp/app/web:1.2', 'ImagePullBackOff'),
  ...failed('tls', pullErrors.tls),
  waitingPod('rate', 'nginx:1.25', 'ImagePullBackOff'),
  ...failed('rate', pullErrors.rate),
  waitingPod('disk', 'pytorch/pytorch:2.3.0-cuda12.1-cudnn8-devel', 'ImagePullBackOff'),
  ...failed('disk', pullErrors.disk, 2),
  waitingPod(
    'bad-name',
    'Nginx:Latest',
    'InvalidImageName',
    'Failed to apply default image tag "Nginx:Latest": couldn\'t parse image name "Nginx:Latest": invalid reference format: repository name (library/Nginx) must be lowercase',
  ),
  event(
    'app',
    'bad-name',
    'Warning',
    'InspectFailed',
    'Failed to apply default image tag "Nginx:Latest": couldn\'t parse image name "Nginx:Latest": invalid reference format: repository name (library/Nginx) must be lowercase',
    9,
  ),
  waitingPod(
    'never',
    'app:dev',
    'ErrImageNeverPull',
    'Container image "app:dev" is not present with pull policy of Never',
    { containers: [{ name: 'main', image: 'app:dev', imagePullPolicy: 'Never' }] },
  ),
  event(
    'app',
    'never',
    'Warning',
    'ErrImageNeverPull',
    'Container image "app:dev" is not present with pull policy of Never',
    7,
  ),
  // Events expired: the container's own waiting message still carries the error.
  waitingPod(
    'expired',
    'mysql:9.9',
    'ErrImagePull',
    pullErrors.notFound.replace('Failed to pull image "mysql:9.9": ', ''),
  ),
  waitingPod('slow', 'registry.example.com/ml/model-server:7.1', 'ContainerCreating'),
  event('app', 'slow', 'Normal', 'Scheduled', 'Successfully assigned app/slow to worker-1', 1, 'now-9m'),
  event('app', 'slow', 'Normal', 'Pulling', 'Pulling image "registry.example.com/ml/model-server:7.1"', 1, 'now-9m'),
  pod(
    'ok',
    'app',
    { nodeName: 'worker-1', containers: [{ name: 'main', image: 'nginx:1.25' }] },
    {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'main',
          image: 'docker.io/library/nginx:1.25',
          imageID: 'docker.io/library/nginx@sha256:4c0fdaa8',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: 'now-5m' } },
        },
      ],
    },
  ),
  event(
    'app',
    'ok',
    'Normal',
    'Pulled',
    'Successfully pulled image "nginx:1.25" in 2.134s (2.134s including waiting). Image size: 71021324 bytes.',
    1,
    'now-5m',
  ),
];

describe('pod.image-pull on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({ cluster: { nodes: [{ name: 'worker-1' }] as never }, objects: objects as never });
  });
  afterAll(() => t.close());

  it.each([
    [
      'not-found',
      'image-not-found',
      'image mysql:9.9 does not exist in docker.io: the name or tag is wrong, or it was never pushed',
      { registry: 'docker.io', pullAttempts: 5, waitingReason: 'ImagePullBackOff' },
    ],
    [
      'denied',
      'missing-or-private',
      'registry.example.com answers that registry.example.com/team/api:2.3.1 does not exist or needs credentials, and does not say which (the pod has no imagePullSecrets)',
      { imagePullSecrets: '' },
    ],
    [
      'token',
      'unauthorized',
      'ghcr.io refused to serve ghcr.io/acme/billing:4.0.0: credentials are missing or wrong',
      { imagePullSecrets: 'ghcr-pull' },
    ],
    [
      'dns',
      'registry-unreachable',
      'the node cannot reach harbor.internal:5000 to pull harbor.internal:5000/app/web:1.2: DNS, proxy, firewall or the registry is down',
      { registry: 'harbor.internal:5000' },
    ],
    [
      'tls',
      'registry-tls',
      "the node does not trust harbor.corp's TLS certificate (or it speaks plain HTTP): the runtime needs its CA or an insecure-registry entry",
      {},
    ],
    [
      'rate',
      'rate-limited',
      "docker.io rate-limits this node's pulls of nginx:1.25: authenticate the pulls or use a mirror",
      {},
    ],
    [
      'disk',
      'no-space',
      'the node has no disk space left to unpack pytorch/pytorch:2.3.0-cuda12.1-cudnn8-devel',
      { registry: 'docker.io', pullAttempts: 2 },
    ],
    [
      'bad-name',
      'invalid-image-name',
      "the image reference Nginx:Latest is not a valid name: fix it in the pod's controller",
      { waitingReason: 'InvalidImageName' },
    ],
    ['never', 'never-pull', 'imagePullPolicy is Never and app:dev is not on the node', {}],
    [
      'expired',
      'image-not-found',
      'image mysql:9.9 does not exist in docker.io: the name or tag is wrong, or it was never pushed',
      { pullAttempts: 0 },
    ],
    [
      'slow',
      'pulling',
      'the kubelet is still pulling registry.example.com/ml/model-server:7.1 (started 9m ago): a large image or a slow registry',
      {},
    ],
    [
      'ok',
      'pulled',
      'no pull failure for nginx:1.25: Successfully pulled image "nginx:1.25" in 2.134s (2.134s including waiting). Image size: 71021324 bytes.',
      {},
    ],
  ])('%s → %s', async (name, outcome, summary, facts) => {
    const r = await t.check('pod.image-pull', { namespace: 'app', name });
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toBe(summary);
    expect(r.facts).toMatchObject({ container: 'main', ...facts });
  });

  it('keeps the literal pull error in facts and evidence, not the generic "Error: ErrImagePull"', async () => {
    const r = await t.check('pod.image-pull', { namespace: 'app', name: 'not-found' });
    expect(r.facts.pullError).toBe(pullErrors.notFound);
    expect(r.evidence[0]).toEqual({ label: 'image', value: 'mysql:9.9 (registry docker.io)' });
    expect(
      r.evidence.some(
        (e) =>
          e.label === 'Warning Failed' &&
          e.value.startsWith('×5, last 2m ago: Failed to pull image "mysql:9.9": rpc error: code = NotFound'),
      ),
    ).toBe(true);
    expect(r.command).toBe(
      'kubectl get events -n app --field-selector involvedObject.kind=Pod,involvedObject.name=not-found,involvedObject.namespace=app | grep -i -e pull -e image',
    );
  });
});

describe('registry of an image reference', () => {
  it.each([
    ['nginx', 'docker.io'],
    ['library/nginx:1.25', 'docker.io'],
    ['bitnami/redis:7', 'docker.io'],
    ['quay.io/prometheus/node-exporter:v1.8.1', 'quay.io'],
    ['localhost/app:dev', 'localhost'],
    ['harbor.internal:5000/app/web:1.2', 'harbor.internal:5000'],
  ])('%s → %s', (image, registry) => expect(registryOf(image)).toBe(registry));
});

// Real pull errors as pasted in public threads, in each runtime's words.
describe('pull errors by runtime', () => {
  it.each([
    // docker (dockershim): https://github.com/lachie83/k8s-kubectl/issues/157
    [
      'rpc error: code = Unknown desc = Error response from daemon: manifest for lachlanevenson/k8s-kubectl:v1.18.20 not found: manifest unknown: manifest unknown',
      'image-not-found',
    ],
    // containerd: https://github.com/kubernetes-sigs/provider-aws-test-infra/pull/281
    [
      'rpc error: code = NotFound desc = failed to pull and unpack image "registry.k8s.io/kube-apiserver-amd64:v1.30.0-alpha.1.107_052bce26f4f48b": failed to resolve reference "registry.k8s.io/kube-apiserver-amd64:v1.30.0-alpha.1.107_052bce26f4f48b": registry.k8s.io/kube-apiserver-amd64:v1.30.0-alpha.1.107_052bce26f4f48b: not found',
      'image-not-found',
    ],
    // kubelet 1.1 (dockertools): the credentials sentence is boilerplate; the details say the tag is missing. https://github.com/UKHomeOffice/kb8or/issues/68
    [
      'Failed to pull image "quay.io/ukhomeofficedigital/s3registry:v2.0.0-bob": image pull failed for quay.io/ukhomeofficedigital/s3registry:v2.0.0-bob, this may be because there are no credentials on this request.  details: (Tag v2.0.0-bob not found in repository quay.io/ukhomeofficedigital/s3registry)',
      'image-not-found',
    ],
    // same wrapper, a registry the node cannot resolve: https://github.com/kubernetes/kubernetes/issues/6888
    [
      'Failed to pull image "gcr.io/google_containers/spark:1.5.2_v1": image pull failed for gcr.io/google_containers/spark:1.5.2_v1, this may be because there are no credentials on this request.  details: (API error (500): unable to ping registry endpoint https://gcr.io/v0/\nv2 ping attempt failed with error: Get https://gcr.io/v2/: dial tcp: lookup gcr.io: Temporary failure in name resolution\n v1 ping attempt failed with error: Get https://gcr.io/v1/_ping: dial tcp: lookup gcr.io: Temporary failure in name resolution\n)',
      'registry-unreachable',
    ],
    // docker: https://github.com/luksa/kubernetes-in-action/issues/37 (Docker Hub's answer for a missing and a private repository alike)
    [
      'Failed to pull image "tutum/curl": rpc error: code = Unknown desc = Error response from daemon: pull access denied for tutum/curl, repository does not exist or may require \'docker login\'',
      'missing-or-private',
    ],
    // containerd (k3s in colima), an image that existed only on the node: https://github.com/abiosoft/colima/issues/210
    [
      'Failed to pull image "simulation:latest": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/simulation:latest": failed to resolve reference "docker.io/library/simulation:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
      'missing-or-private',
    ],
    // the same words with the registry's explicit refusal: the repository exists. https://github.com/sassoftware/viya4-iac-gcp/issues/109
    [
      'Failed to pull image "gcr.io/viya4-poc/sasviyav4-9cl4s-0-lts-2021-1-20210813-1628876294130/viya-4-x64_oci_linux_2-docker/sas-orchestration:1.41.6-20210513.1620868672630": rpc error: code = Unknown desc = Error response from daemon: pull access denied for gcr.io/viya4-poc/sasviyav4-9cl4s-0-lts-2021-1-20210813-1628876294130/viya-4-x64_oci_linux_2-docker/sas-orchestration, repository does not exist or may require \'docker login\': denied: Permission denied for "1.41.6-20210513.1620868672630" from request "/v2/viya4-poc/sasviyav4-9cl4s-0-lts-2021-1-20210813-1628876294130/viya-4-x64_oci_linux_2-d',
      'unauthorized',
    ],
    // containerd, a registry answering 401: https://github.com/open-edge-platform/geti_v2/issues/1668
    [
      'Failed to pull image "ghcr.io/open-edge-platform/geti/notifier:2.13.1": failed to pull and unpack image "ghcr.io/open-edge-platform/geti/notifier:2.13.1": failed to resolve reference "ghcr.io/open-edge-platform/geti/notifier:2.13.1": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Aopen-edge-platform%2Fgeti%2Fnotifier%3Apull&service=ghcr.io: 401 Unauthorized',
      'unauthorized',
    ],
    // docker 1.13, v1 ping: https://github.com/kubernetes/kubernetes/issues/43924
    [
      'Failed to pull image "10.78.0.228:5000/monitorms": Error response from daemon: {"message":"Get https://10.78.0.228:5000/v1/_ping: x509: certificate signed by unknown authority"}',
      'registry-tls',
    ],
    // containerd behind a proxy: https://github.com/kubernetes/minikube/issues/14907
    [
      'Failed to pull image "nginx:alpine": rpc error: code = Unknown desc = error pulling image configuration: download failed after attempts=6: x509: certificate signed by unknown authority',
      'registry-tls',
    ],
    // docker, the node's resolver: https://github.com/hjacobs/kube-ops-view/issues/176
    [
      'Failed to pull image "hjacobs/kube-ops-view:0.8.1": rpc error: code = Unknown desc = Error response from daemon: Get https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io on 127.0.0.53:53: server misbehaving',
      'registry-unreachable',
    ],
    // CRI-O (OpenShift 4.6): https://github.com/red-hat-storage/ocs-ci/issues/4494
    [
      'Failed to pull image "obsidiandynamics/kafdrop:latest": rpc error: code = Unknown desc = Error reading manifest latest in docker.io/obsidiandynamics/kafdrop: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
      'rate-limited',
    ],
    // containerd (k3s): https://github.com/namespacelabs/foundation/issues/846
    [
      'Failed to pull image "index.docker.io/jaegertracing/all-in-one@sha256:8d0bff43db3ce5c528cb6f957520511d263d7cceee012696e4afdc9087919bb9": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/jaegertracing/all-in-one@sha256:8d0bff43db3ce5c528cb6f957520511d263d7cceee012696e4afdc9087919bb9": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/jaegertracing/all-in-one/manifests/sha256:8d0bff43db3ce5c528cb6f957520511d263d7cceee012696e4afdc9087919bb9: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upg',
      'rate-limited',
    ],
    // docker: https://github.com/ceph/ceph-csi/issues/2029
    [
      'Failed to pull image "docker.io/library/busybox:1.29": rpc error: code = Unknown desc = Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
      'rate-limited',
    ],
    // containerd on an AKS Windows node, an image built only for Linux: https://github.com/nginx/nginx-gateway-fabric/issues/3661
    [
      'Failed to pull image "ghcr.io/nginx/nginx-gateway-fabric:2.0.2": rpc error: code = NotFound desc = failed to pull and unpack image "ghcr.io/nginx/nginx-gateway-fabric:2.0.2": no match for platform in manifest: not found',
      'platform-missing',
    ],
    // containerd on AKS, a tag with no variant for the node: https://github.com/Cisco-Talos/clamav-docker/issues/84
    [
      'Failed to pull image "docker.io/clamav/clamav:1.4.2_base": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/clamav/clamav:1.4.2_base": no match for platform in manifest: not found',
      'platform-missing',
    ],
  ] as const)('%s → %s', (message, outcome) => {
    expect(classifyPullError(message)).toBe(outcome);
  });
});

describe('an image with no variant for its node (nginx/nginx-gateway-fabric#3661)', () => {
  const message =
    'Failed to pull image "ghcr.io/nginx/nginx-gateway-fabric:2.0.2": rpc error: code = NotFound desc = failed to pull and unpack image "ghcr.io/nginx/nginx-gateway-fabric:2.0.2": no match for platform in manifest: not found';
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { nodes: [{ name: 'worker-1' }] as never },
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: 'akswin000034', labels: { 'kubernetes.io/os': 'windows', 'kubernetes.io/arch': 'amd64' } },
          status: { conditions: [{ type: 'Ready', status: 'True' }] },
        },
        waitingPod(
          'cert-generator',
          'ghcr.io/nginx/nginx-gateway-fabric:2.0.2',
          'ImagePullBackOff',
          'Back-off pulling image "ghcr.io/nginx/nginx-gateway-fabric:2.0.2"',
          { nodeName: 'akswin000034' },
        ),
        ...failed('cert-generator', message, 5),
      ] as never,
    });
  });
  afterAll(() => t.close());

  it('says the tag exists and names the node and its platform, not an image that was never pushed', async () => {
    const r = await t.check('pod.image-pull', { namespace: 'app', name: 'cert-generator' });
    expect(r.outcome).toBe('platform-missing');
    expect(r.summary).toBe(
      "ghcr.io/nginx/nginx-gateway-fabric:2.0.2 exists in ghcr.io but has no variant for node akswin000034's platform (windows/amd64): the runtime found no manifest for that OS and architecture",
    );
    expect(r.facts).toMatchObject({ nodeName: 'akswin000034', nodePlatform: 'windows/amd64', pullAttempts: 5 });
  });
});

describe('an image that may exist only on the node', () => {
  it.each([
    [
      'simulation:latest',
      'Always',
      'imagePullPolicy is Always (the default for a :latest tag): the kubelet pulls simulation:latest from docker.io even when the image was built or imported on the node',
    ],
    [
      'app',
      'Always',
      'imagePullPolicy is Always (the default for an untagged image): the kubelet pulls app from docker.io even when the image was built or imported on the node',
    ],
    [
      'registry.example.com/team/api:2.3.1',
      'Always',
      'imagePullPolicy is Always: the kubelet pulls registry.example.com/team/api:2.3.1 from registry.example.com even when the image was built or imported on the node',
    ],
    ['simulation:v1', 'IfNotPresent', undefined],
    ['simulation:latest', undefined, undefined],
  ] as const)('%s with %s', (image, policy, hint) => {
    expect(localImageHint(image, policy)).toBe(hint);
  });
});
