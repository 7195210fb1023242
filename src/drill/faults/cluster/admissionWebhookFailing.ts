import { z } from 'zod';
import { uidFor } from '../../generate.js';
import type { KubeObject } from '../../types.js';
import { defineFault } from '../types.js';
import type { FaultContext } from '../types.js';
import { asRecord } from './support/json.js';
import type { Json } from './support/json.js';
import { hexId } from './support/logs.js';
import { deploymentObjects, ensureService, splitRef } from './support/workloads.js';

/** The ReplicaSet controller's view of a pod create the webhook refused: events, and conditions on the ReplicaSet and Deployment. */
function refusedWorkload(
  ctx: FaultContext,
  o: {
    namespace: string;
    name: string;
    image: string;
    replicas: number;
    createdAgo: number;
    failingAgo: number;
    error: string;
    port?: number;
  },
): void {
  const labels = { app: o.name };
  const created = ctx.at(`now-${o.createdAgo}s`);
  const { deployment, replicaSet } = deploymentObjects({
    namespace: o.namespace,
    name: o.name,
    labels,
    image: o.image,
    container: o.name,
    replicas: o.replicas,
    readyReplicas: 0,
    currentReplicas: 0,
    created,
    ...(o.port
      ? {
          extraTemplate: {
            containers: [
              {
                name: o.name,
                image: o.image,
                imagePullPolicy: 'IfNotPresent',
                ports: [{ containerPort: o.port, name: 'webhook', protocol: 'TCP' }],
              },
            ],
          },
        }
      : {}),
  });
  const failing = ctx.at(`now-${o.failingAgo}s`);
  const failure = {
    type: 'ReplicaFailure',
    status: 'True',
    lastTransitionTime: failing,
    reason: 'FailedCreate',
    message: o.error,
  };
  ctx.put({ ...replicaSet, status: { ...asRecord(replicaSet.status), conditions: [failure] } });
  const rsName = replicaSet.metadata.name;
  // A new Deployment's rollout gives up after progressDeadlineSeconds (600); an old one that lost its pod stays "available progress".
  const rollingOut = o.createdAgo - o.failingAgo < 60;
  const stalled = rollingOut && o.failingAgo > 600;
  const status = asRecord(deployment.status);
  ctx.put({
    ...deployment,
    status: {
      ...status,
      conditions: [
        {
          type: 'Available',
          status: 'False',
          lastUpdateTime: failing,
          lastTransitionTime: failing,
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
        {
          type: 'ReplicaFailure',
          status: 'True',
          lastUpdateTime: failing,
          lastTransitionTime: failing,
          reason: 'FailedCreate',
          message: o.error,
        },
        !rollingOut
          ? {
              type: 'Progressing',
              status: 'True',
              lastUpdateTime: created,
              lastTransitionTime: created,
              reason: 'NewReplicaSetAvailable',
              message: `ReplicaSet "${rsName}" has successfully progressed.`,
            }
          : stalled
            ? {
                type: 'Progressing',
                status: 'False',
                lastUpdateTime: ctx.at(`now-${o.failingAgo - 600}s`),
                lastTransitionTime: ctx.at(`now-${o.failingAgo - 600}s`),
                reason: 'ProgressDeadlineExceeded',
                message: `ReplicaSet "${rsName}" has timed out progressing.`,
              }
            : {
                type: 'Progressing',
                status: 'True',
                lastUpdateTime: created,
                lastTransitionTime: created,
                reason: 'ReplicaSetUpdated',
                message: `ReplicaSet "${rsName}" is progressing.`,
              },
      ],
    },
  });
  if (rollingOut)
    ctx.event({
      about: deployment,
      source: 'deployment-controller',
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: `Scaled up replica set ${rsName} to ${o.replicas}`,
      firstSeen: `now-${o.createdAgo}s`,
      lastSeen: `now-${o.createdAgo}s`,
    });
  // The ReplicaSet controller retries with back-off; the event recorder folds the repeats into one event's count.
  ctx.event({
    about: replicaSet,
    source: 'replicaset-controller',
    type: 'Warning',
    reason: 'FailedCreate',
    message: `Error creating: ${o.error}`,
    firstSeen: `now-${o.failingAgo - 1}s`,
    lastSeen: `now-${Math.min(o.failingAgo - 1, 97)}s`,
    count: Math.min(20, 9 + Math.floor(o.failingAgo / 300)),
  });
}

export const admissionWebhookFailing = defineFault({
  id: 'admission-webhook-failing',
  title: 'A validating admission webhook with no endpoints refuses every pod create (failurePolicy Fail)',
  layer: 'cluster',
  description:
    'A ValidatingWebhookConfiguration (admissionregistration.k8s.io/v1) sends every pod CREATE to a Service that has no endpoints, with failurePolicy Fail. The webhook\'s own Deployment has no pod (its ReplicaSet is refused by the same webhook: the classic deadlock), and `deployment` (ns/name) gets no pods either: its ReplicaSet records FailedCreate events from replicaset-controller, "Error creating: Internal error occurred: failed calling webhook "<webhook>": failed to call webhook: Post "https://<service>.<ns>.svc:443<path>?timeout=10s": no endpoints available for service "<service>"", a ReplicaFailure condition, and the Deployment is unavailable (ProgressDeadlineExceeded after 10 minutes).',
  params: z.strictObject({
    /** The webhook's name in the configuration. */
    webhook: z.string().default('validate.policy.example.com'),
    /** The Service (`ns/name`) the webhook calls. */
    service: z.string().default('policy-system/policy-webhook'),
    path: z.string().regex(/^\//).default('/validate'),
    /** The Deployment (`ns/name`) whose pods are refused. */
    deployment: z.string().default('shop/web'),
    image: z.string().default('registry.example.com/shop/web:2.4.1'),
    replicas: z.number().int().min(1).max(50).default(2),
    /** Minutes since the webhook's backend went away. */
    minutes: z.number().int().min(1).max(1440).default(25),
  }),
  apply(ctx, p) {
    const svc = splitRef(ctx, p.service, 'service');
    const target = splitRef(ctx, p.deployment, 'deployment');
    const seconds = p.minutes * 60;
    const backend = `${svc.name}`;
    const error = `Internal error occurred: failed calling webhook "${p.webhook}": failed to call webhook: Post "https://${svc.name}.${svc.namespace}.svc:443${p.path}?timeout=10s": no endpoints available for service "${svc.name}"`;
    const configName = `${svc.name}-validating`;
    const configuration: KubeObject = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: {
        name: configName,
        uid: uidFor('ValidatingWebhookConfiguration', configName),
        generation: 1,
        creationTimestamp: ctx.at('now-60d'),
        labels: { app: backend },
      },
      webhooks: [
        {
          name: p.webhook,
          admissionReviewVersions: ['v1'],
          clientConfig: {
            service: { namespace: svc.namespace, name: svc.name, path: p.path, port: 443 },
            caBundle: Buffer.from(
              `-----BEGIN CERTIFICATE-----\n${hexId(64, 'ca', configName)}\n-----END CERTIFICATE-----\n`,
            ).toString('base64'),
          },
          failurePolicy: 'Fail',
          matchPolicy: 'Equivalent',
          namespaceSelector: {},
          objectSelector: {},
          rules: [
            { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'], scope: '*' },
          ],
          sideEffects: 'None',
          timeoutSeconds: 10,
        } satisfies Json,
      ],
    };
    ctx.put(configuration);
    // The Service still selects the webhook's pods; there are none, so its Endpoints have no subsets.
    ensureService(ctx, {
      namespace: svc.namespace,
      name: svc.name,
      clusterIP: `10.96.${parseInt(hexId(2, svc.name), 16)}.${(parseInt(hexId(2, svc.namespace), 16) % 250) + 2}`,
      selector: { app: backend },
      ports: [{ name: 'https', port: 443, targetPort: 9443, containerPort: 9443 }],
      labels: { app: backend },
      created: ctx.at('now-60d'),
    });
    for (const pod of ctx.list('Pod', svc.namespace).filter((x) => x.metadata.labels?.app === backend))
      ctx.remove('Pod', svc.namespace, pod.metadata.name);
    refusedWorkload(ctx, {
      namespace: svc.namespace,
      name: svc.name,
      image: `registry.example.com/${svc.name}:1.8.0`,
      replicas: 1,
      createdAgo: 60 * 86400,
      failingAgo: seconds,
      error,
      port: 9443,
    });
    refusedWorkload(ctx, {
      namespace: target.namespace,
      name: target.name,
      image: p.image,
      replicas: p.replicas,
      createdAgo: Math.max(60, seconds - 120),
      failingAgo: Math.max(60, seconds - 120),
      error,
    });
  },
});
