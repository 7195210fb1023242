import { z } from 'zod';
import { groupEvents, involvedObjectSelector } from '../events.js';
import type { EventGroup } from '../events.js';
import { ageSeconds, formatAge } from '../format.js';
import { clip, containerNotFound, eventsForContainer, pickContainer, podNotFound, readPodAndEvents } from '../pods.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import type { V1Node } from '@kubernetes/client-node';
import { quoteArg } from '../../nodeaccess/quote.js';
import { ifExists } from '../reads.js';

const outcomes = [
  'image-not-found',
  'platform-missing',
  'unauthorized',
  'missing-or-private',
  'registry-unreachable',
  'registry-tls',
  'rate-limited',
  'invalid-image-name',
  'never-pull',
  'no-space',
  'pull-failed-other',
  'pulling',
  'pulled',
  'not-found',
  'container-not-found',
] as const;
type Outcome = (typeof outcomes)[number];
export type PullFailure = Exclude<Outcome, 'pulling' | 'pulled' | 'not-found' | 'container-not-found'>;

/**
 * kubelet and containerd/CRI-O wordings, most specific first. Docker Hub's
 * "pull access denied, repository does not exist or may require authorization"
 * cannot tell a missing repository from missing credentials (abiosoft/colima#210:
 * an image that existed only on the node); see `ambiguousDenial`.
 */
const classes: { outcome: PullFailure; re: RegExp }[] = [
  { outcome: 'never-pull', re: /is not present with pull policy of Never|ErrImageNeverPull/i },
  {
    outcome: 'invalid-image-name',
    re: /invalid reference format|couldn't parse image (?:reference|name)|InvalidImageName/i,
  },
  { outcome: 'no-space', re: /no space left on device/i },
  { outcome: 'rate-limited', re: /toomanyrequests|429 Too Many Requests|pull rate limit/i },
  {
    outcome: 'unauthorized',
    re: /\b401 Unauthorized|\b403 Forbidden|pull access denied|insufficient_scope|authorization failed|authentication required|no basic auth credentials|failed to authorize|denied: requested access|unauthorized:|does not exist or no pull access/i,
  },
  {
    outcome: 'registry-tls',
    re: /x509:|tls: failed to verify|certificate signed by unknown authority|certificate has expired|server gave HTTP response to HTTPS client/i,
  },
  // The tag exists; its manifest list has no entry for the node's OS/architecture (containerd's words; its
  // trailing "not found" would read as a missing image). nginx/nginx-gateway-fabric#3661: a Windows node on AKS.
  { outcome: 'platform-missing', re: /no match for platform in manifest/i },
  {
    outcome: 'image-not-found',
    re: /: not found\b|manifest unknown|code = NotFound|not found: manifest|name unknown|repository name not known|manifest for \S+ not found|Tag \S+ not found in repository|Error: image \S+ not found/i,
  },
  {
    outcome: 'registry-unreachable',
    re: /no such host|i\/o timeout|connection refused|connection reset by peer|network is unreachable|no route to host|TLS handshake timeout|context deadline exceeded|dial tcp|Client\.Timeout exceeded|Temporary failure in name resolution|server misbehaving|unable to ping registry endpoint/i,
  },
];

const pullReasons = new Set([
  'Failed',
  'ErrImagePull',
  'ImagePullBackOff',
  'InspectFailed',
  'ErrImageNeverPull',
  'InvalidImageName',
]);
const pullWaiting = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'ImageInspectError',
]);

export const podImagePull = defineCheck({
  id: 'pod.image-pull',
  layer: 'pod',
  title: 'Why the image does not pull',
  why: "The kubelet's pull error tells apart an image that does not exist, a registry that refuses the credentials, a registry the node cannot reach, and Docker Hub's rate limit; each has a different fix.",
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1), container: z.string().optional() }),
  outcomes,
  healthy: ['pulled'],
  facts: [
    'container',
    'image',
    'registry',
    'pullError',
    'pullAttempts',
    'imagePullSecrets',
    'waitingReason',
    'pullPolicy',
    'localImageHint',
    'nodeName',
    'nodePlatform',
  ],
  sets: {
    'platform-missing': ['container', 'image', 'pullAttempts', 'pullError', 'registry', 'waitingReason', 'nodeName'],
    'image-not-found': ['container', 'image', 'pullAttempts', 'pullError', 'registry', 'waitingReason'],
    unauthorized: ['container', 'image', 'pullAttempts', 'pullError', 'registry', 'waitingReason'],
    'missing-or-private': [
      'container',
      'image',
      'pullAttempts',
      'pullError',
      'registry',
      'waitingReason',
      'pullPolicy',
      'localImageHint',
    ],
    'registry-tls': ['container', 'image', 'pullAttempts', 'pullError', 'registry', 'waitingReason'],
    'rate-limited': ['container', 'image', 'pullAttempts', 'pullError', 'registry', 'waitingReason'],
  },
  command: (p) =>
    `kubectl get events -n ${quoteArg(p.namespace)} --field-selector ${quoteArg(involvedObjectSelector('Pod', p.name, p.namespace))} | grep -i -e pull -e image`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const [pod, events] = await readPodAndEvents(ctx.kube, p.namespace, p.name);
    if (!pod) return podNotFound(p.namespace, p.name);
    const c = pickContainer(pod, p.container, (v) => pullWaiting.has(v.status?.state?.waiting?.reason ?? ''));
    if (!c)
      return p.container
        ? containerNotFound(pod, p.container)
        : { outcome: 'pulled', summary: 'the pod has no containers', evidence: [], facts: {} };

    const image = c.spec?.image ?? c.status?.image ?? '';
    const facts: Facts = { container: c.name, image, registry: registryOf(image) };
    const secrets = (pod.spec?.imagePullSecrets ?? []).map((s) => s.name).filter(Boolean);
    facts.imagePullSecrets = secrets.join(',');
    const waiting = c.status?.state?.waiting;
    if (waiting?.reason) facts.waitingReason = waiting.reason;
    const policy = pod.spec?.containers.find((x) => x.name === c.name)?.imagePullPolicy;
    if (policy) facts.pullPolicy = policy;

    const now = ctx.now();
    const groups = groupEvents(eventsForContainer(events, c.name)).filter(
      (g) => g.message.includes(image) || pullReasons.has(g.reason) || /image/i.test(g.message),
    );
    const failures = groups.filter(
      (g) =>
        g.type === 'Warning' &&
        pullReasons.has(g.reason) &&
        !/^Error: (?:ErrImagePull|ImagePullBackOff)$/.test(g.message),
    );
    const evidence: Evidence[] = [{ label: 'image', value: `${image} (registry ${facts.registry})` }];
    if (waiting?.reason)
      evidence.push({
        label: `container ${c.name}`,
        value: `waiting: ${waiting.reason}${waiting.message ? ` (${clip(waiting.message, 160)})` : ''}`,
      });
    for (const g of groups.slice(0, 5)) evidence.push({ label: `${g.type} ${g.reason}`, value: describe(g, now) });
    evidence.push({ label: 'imagePullSecrets', value: secrets.length > 0 ? secrets.join(', ') : 'none' });

    // The newest failure decides; the container's waiting message stands in once events have expired.
    const message =
      failures[0]?.message ??
      (waiting && pullWaiting.has(waiting.reason ?? '') ? (waiting.message ?? waiting.reason ?? '') : undefined);
    if (message !== undefined) {
      facts.pullError = clip(message, 400);
      facts.pullAttempts = failures.reduce((n, g) => n + g.count, 0);
      const outcome = classifyPullError(message, waiting?.reason);
      if (outcome === 'missing-or-private') {
        const hint = localImageHint(image, policy);
        if (hint) facts.localImageHint = hint;
      }
      if (outcome === 'platform-missing') {
        facts.nodeName = pod.spec?.nodeName ?? 'an unscheduled pod';
        const platform = pod.spec?.nodeName
          ? nodePlatform(await ifExists(ctx.kube.readNode(pod.spec.nodeName)))
          : undefined;
        if (platform) {
          facts.nodePlatform = platform;
          evidence.push({ label: `node ${pod.spec?.nodeName}`, value: platform });
        }
        return {
          outcome,
          summary: `${image} exists in ${String(facts.registry)} but has no variant for node ${String(facts.nodeName)}'s platform${platform ? ` (${platform})` : ''}: the runtime found no manifest for that OS and architecture`,
          evidence,
          facts,
        };
      }
      return { outcome, summary: summarize(outcome, image, String(facts.registry), secrets.length), evidence, facts };
    }

    const pulling = groups.find((g) => g.reason === 'Pulling');
    const pulled = groups.find((g) => g.reason === 'Pulled');
    if (pulling && !pulled && waiting?.reason === 'ContainerCreating') {
      const since = ageSeconds(pulling.lastSeen, now);
      return {
        outcome: 'pulling',
        summary: `the kubelet is still pulling ${image}${since === undefined ? '' : ` (started ${formatAge(since)} ago)`}: a large image or a slow registry`,
        evidence,
        facts,
      };
    }
    return {
      outcome: 'pulled',
      summary: `no pull failure for ${image}${pulled ? `: ${clip(pulled.message, 120)}` : c.status?.imageID ? ' (the image is on the node)' : ''}`,
      evidence,
      facts,
    };
  },
});

/** What a pull error says went wrong, in docker's, containerd's or CRI-O's words; `pull-failed-other` when none fits. */
export function classifyPullError(message: string, waitingReason = ''): PullFailure {
  const cause = pullCause(message);
  if (ambiguousDenial.test(cause) && !explicitRefusal.test(cause)) return 'missing-or-private';
  return classes.find((k) => k.re.test(cause) || k.re.test(waitingReason))?.outcome ?? 'pull-failed-other';
}

/** The registry's answer for a repository it does not have and for one it will not show without credentials, alike. */
const ambiguousDenial = /repository does not exist or may require|does not exist or no pull access/i;
/** Words only a refusal of credentials carries: then the repository exists. */
const explicitRefusal =
  /\b401\b|\b403\b|authentication required|unauthorized:|no basic auth credentials|denied: requested access|denied: Permission denied|failed to authorize/i;

/**
 * Why an image may exist only on the node: a pull policy of Always (what a :latest or untagged image gets
 * by default) makes the kubelet ask the registry even for an image built or imported on the node.
 */
export function localImageHint(image: string, policy: string | undefined): string | undefined {
  if (policy !== 'Always') return undefined;
  const tag = /:([\w][\w.-]*)$/.exec(image.split('/').pop() ?? '')?.[1];
  const byDefault = tag === undefined || tag === 'latest';
  return `imagePullPolicy is Always${byDefault ? ` (the default for ${tag === undefined ? 'an untagged image' : 'a :latest tag'})` : ''}: the kubelet pulls ${image} from ${registryOf(image)} even when the image was built or imported on the node`;
}

/**
 * The part of a pull error that names its cause. Kubelets before 1.5 (dockertools) wrapped every failure in
 * "image pull failed for X, this may be because there are no credentials on this request.  details: (...)":
 * the sentence about credentials is boilerplate, the details are the cause.
 */
export function pullCause(message: string): string {
  const m = /this may be because there are no credentials on this request\.\s*details:\s*\(([\s\S]*)\)\s*$/i.exec(
    message,
  );
  return m?.[1] ?? message;
}

/** os/arch as the node reports it (its labels, else nodeInfo): `windows/amd64`; undefined when neither says. */
export function nodePlatform(node: V1Node | undefined): string | undefined {
  const labels = node?.metadata?.labels ?? {};
  const info = node?.status?.nodeInfo;
  const os = labels['kubernetes.io/os'] ?? labels['beta.kubernetes.io/os'] ?? info?.operatingSystem;
  const arch = labels['kubernetes.io/arch'] ?? labels['beta.kubernetes.io/arch'] ?? info?.architecture;
  if (!os && !arch) return undefined;
  return `${os || 'os not reported'}/${arch || 'arch not reported'}`;
}

/** `registry.example.com/app:1` → registry.example.com; a bare `nginx` comes from Docker Hub. */
export function registryOf(image: string): string {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
    ? first
    : 'docker.io';
}

function summarize(outcome: PullFailure, image: string, registry: string, secrets: number): string {
  switch (outcome) {
    case 'image-not-found':
      return `image ${image} does not exist in ${registry}: the name or tag is wrong, or it was never pushed`;
    case 'unauthorized':
      return `${registry} refused to serve ${image}: credentials are missing or wrong${secrets === 0 ? ' (the pod has no imagePullSecrets)' : ''}`;
    case 'missing-or-private':
      return `${registry} answers that ${image} does not exist or needs credentials, and does not say which${secrets === 0 ? ' (the pod has no imagePullSecrets)' : ''}`;
    case 'registry-unreachable':
      return `the node cannot reach ${registry} to pull ${image}: DNS, proxy, firewall or the registry is down`;
    case 'registry-tls':
      return `the node does not trust ${registry}'s TLS certificate (or it speaks plain HTTP): the runtime needs its CA or an insecure-registry entry`;
    case 'rate-limited':
      return `${registry} rate-limits this node's pulls of ${image}: authenticate the pulls or use a mirror`;
    case 'invalid-image-name':
      return `the image reference ${image} is not a valid name: fix it in the pod's controller`;
    case 'never-pull':
      return `imagePullPolicy is Never and ${image} is not on the node`;
    case 'no-space':
      return `the node has no disk space left to unpack ${image}`;
    case 'pull-failed-other':
      return `pulling ${image} failed for a reason plumbline does not classify`;
    case 'platform-missing':
      return `${image} has no variant for the node's platform`;
  }
}

function describe(g: EventGroup, now: Date): string {
  const age = ageSeconds(g.lastSeen, now);
  return `×${g.count}${age === undefined ? '' : `, last ${formatAge(age)} ago`}: ${clip(g.message)}`;
}
