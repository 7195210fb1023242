import { z } from 'zod';
import type { DrillResponse } from '../nodeaccess/drill.js';
import { findFault, faultCatalog } from './faults/catalog.js';
import { timeShift } from './timeShift.js';
import { kubernetesUnits } from '../checks/host/serviceJournals.js';

/** A pasted log for a host field: its text inline (stdout) or in a file beside the scenario. */
const pastedFields = {
  stdout: z.string().optional(),
  /** stdout read from a file beside the scenario, pasted as it was. */
  file: z.string().min(1).optional(),
};
const oneOf = (r: { stdout?: string | undefined; file?: string | undefined }) =>
  (r.stdout === undefined) !== (r.file === undefined);
const pastedLog = z.strictObject(pastedFields).refine(oneOf, { message: 'give stdout or file (one of them)' });
const kernelLogSpec = z
  .strictObject({ ...pastedFields, from: z.enum(['journalctl', 'dmesg']).default('journalctl') })
  .refine(oneOf, { message: 'give stdout or file (one of them)' });

export const nodeSpec = z.strictObject({
  name: z.string().min(1),
  role: z.enum(['control-plane', 'worker']).default('worker'),
  labels: z.record(z.string(), z.string()).default({}),
  /** Ready condition: True, False (kubelet says unhealthy) or Unknown (kubelet silent). */
  ready: z.enum(['True', 'False', 'Unknown']).default('True'),
  /** Seconds since the last heartbeat; a silent kubelet's grows. */
  heartbeatAgeSeconds: z.number().nonnegative().default(10),
  readyReason: z.string().optional(),
  readyMessage: z.string().optional(),
  unschedulable: z.boolean().default(false),
  taints: z
    .array(
      z.strictObject({
        key: z.string(),
        value: z.string().optional(),
        effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
      }),
    )
    .default([]),
  internalIP: z.string().optional(),
  kubeletVersion: z.string().default('v1.31.4'),
  /** What the kubelet reports as its runtime: `cri-o://1.28.2`, `docker://20.10.7`. */
  containerRuntimeVersion: z.string().optional(),
  /** nodeInfo.architecture and the kubernetes.io/arch label: `arm64`, `amd64` (default). */
  architecture: z.string().min(1).optional(),
  /** nodeInfo.kernelVersion (`uname -r`): `5.4.0-1045-aws`. */
  kernelVersion: z.string().min(1).optional(),
  /** nodeInfo.osImage: `Ubuntu 20.04.6 LTS`, `Bottlerocket OS 1.19.2 (aws-k8s-1.28)`. */
  osImage: z.string().min(1).optional(),
  /**
   * The kernel's messages as pasted: `from: journalctl` answers `journalctl -k`, `from: dmesg` answers `dmesg -T`
   * (and journalctl -k is then not collected, so the check falls back to it as on a node whose journal keeps no kernel log).
   */
  kernelLog: kernelLogSpec.optional(),
  /**
   * A service's journal by its unit name (kubelet, containerd, k3s, rke2-agent, snap.microk8s.daemon-kubelite ...):
   * systemd lists those units, and journalctl -u answers with them, concatenated in the units' order.
   */
  journals: z.partialRecord(z.enum(kubernetesUnits), pastedLog).optional(),
  age: z.string().default('30d'),
});

const hostResponse = z
  .strictObject({
    stdout: z.string().optional(),
    /** stdout read from a file beside the scenario: the command's real output, pasted as it was. */
    file: z.string().min(1).optional(),
    stderr: z.string().optional(),
    exitCode: z.number().int().optional(),
    delayMs: z.number().nonnegative().optional(),
    hang: z.boolean().optional(),
    /** Nobody ran it (or nobody pasted what it printed): the check gets an error outcome, as from a host it cannot reach. */
    notCollected: z.literal(true).optional(),
  })
  .superRefine((r, ctx) => {
    if (
      r.notCollected &&
      (r.stdout !== undefined || r.file !== undefined || r.stderr !== undefined || r.exitCode !== undefined)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['notCollected'],
        message: 'a response that was not collected has no stdout, file, stderr or exitCode',
      });
    }
  });

/** Where a real case's material comes from: the thread it was pasted in, and what of it is verbatim. */
const sourceSpec = z.strictObject({
  url: z.string().regex(/^https?:\/\/\S+$/, 'url must be the http(s) address of the thread the output was pasted in'),
  /** Of the post (as the thread dates it). */
  date: z.string().min(1).optional(),
  /** Versions, distribution, runtime, as stated; what was not stated says so. */
  platform: z.string().min(1).optional(),
  /** Which parts are pasted verbatim. */
  verbatim: z.string().min(1).optional(),
  /** Which parts are frame: a generated cluster, a namespace. */
  frame: z.string().min(1).optional(),
});

const outcomes = ['diagnosis', 'no-finding', 'incomplete', 'unrecognised-evidence'] as const;
export type ExpectedOutcome = (typeof outcomes)[number];

const expectSpec = z
  .strictObject({
    diagnosis: z.string().min(1).nullable(),
    /** How the walk must end; default: diagnosis when one is named, else no-finding. */
    outcome: z.enum(outcomes).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.outcome === undefined) return;
    if (e.outcome === 'diagnosis' && e.diagnosis === null)
      ctx.addIssue({ code: 'custom', path: ['outcome'], message: 'outcome diagnosis needs a diagnosis id' });
    if (e.outcome !== 'diagnosis' && e.diagnosis !== null)
      ctx.addIssue({ code: 'custom', path: ['outcome'], message: `outcome ${e.outcome} needs diagnosis: null` });
  });

/** The outcome a scenario expects: written, or derived from its diagnosis. */
export function expectedOutcome(e: {
  diagnosis: string | null;
  outcome?: ExpectedOutcome | undefined;
}): ExpectedOutcome {
  return e.outcome ?? (e.diagnosis === null ? 'no-finding' : 'diagnosis');
}

const isoTime = z
  .string()
  .refine((v) => timeShift(v, new Date(0)) !== undefined, { message: 'write an ISO time, e.g. 2021-03-04T10:22:13Z' });

const kubeObject = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional() }),
});

/**
 * One entry of raw material: an object, or a List as `kubectl get -o yaml`
 * prints several. kubectl writes apiVersion and kind on every item, so an item
 * without them was edited by hand and is refused rather than guessed.
 */
const listItem = z.looseObject({
  apiVersion: z.string({ error: 'a List item needs its own apiVersion (kubectl prints it on every item)' }).min(1),
  kind: z.string({ error: 'a List item needs its own kind (kubectl prints it on every item)' }).min(1),
  metadata: kubeObject.shape.metadata,
});
const kubeList = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().regex(/List$/),
  items: z.array(listItem),
});

export function isKubeList(value: { kind?: unknown; items?: unknown }): boolean {
  return typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items);
}

export const rawEntry = z
  .looseObject({ apiVersion: z.string().min(1), kind: z.string().min(1) })
  .superRefine((value, ctx) => {
    const parsed = (isKubeList(value) ? kubeList : kubeObject).safeParse(value);
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: issue.path });
  });

/** `- fault: <id>` plus that fault's own parameters, checked against the catalog. */
const faultRef = z.looseObject({ fault: z.string().min(1) }).superRefine((value, ctx) => {
  const def = findFault(value.fault);
  if (!def) {
    ctx.addIssue({
      code: 'custom',
      path: ['fault'],
      message: `unknown fault "${value.fault}"; the catalog has: ${faultCatalog.map((f) => f.id).join(', ')}`,
    });
    return;
  }
  const { fault: _id, ...params } = value;
  const parsed = def.params.safeParse(params);
  if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: issue.path });
});

const denial = z.strictObject({
  user: z.string().optional(),
  verb: z.string().min(1),
  resource: z.string().min(1),
  namespace: z.string().optional(),
  group: z.string().optional(),
});

const apiFault = z.strictObject({
  path: z.string().optional(),
  resource: z.string().optional(),
  kind: z.enum(['latency', 'error', 'throttle', 'reset', 'hang']),
  ms: z.number().int().nonnegative().optional(),
  status: z.union([z.literal(500), z.literal(503)]).optional(),
  message: z.string().optional(),
  retryAfterSeconds: z.number().int().positive().optional(),
  times: z.number().int().positive().optional(),
});

export const scenarioSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  title: z.string().min(1),
  /** The page the on-call engineer receives. */
  page: z.string().min(1),
  runbook: z.string().min(1),
  inputs: z.record(z.string(), z.string()).default({}),
  expect: expectSpec,
  /** A real case: the thread its output was pasted in. Required under a real/ folder. */
  source: sourceSpec.optional(),
  /** The moment the paste was taken: absolute times in pasted material are shifted so that it is the drill's now. */
  pastedAt: isoTime.optional(),
  /**
   * Host command outputs and container logs the scenario does not give answer as a source that could not be
   * reached instead of a healthy default. Defaults to true for both in a scenario with `source:`.
   */
  notCollected: z.strictObject({ hosts: z.boolean().optional(), logs: z.boolean().optional() }).optional(),
  hints: z.array(z.string().min(1)).default([]),
  /** Headless walks (plumbline test): answers by ask step id instead of the defaults, as a trainee would give them. */
  answers: z.record(z.string(), z.string()).default({}),
  /** Headless walks: confirm the runbook's action steps (the drill cluster is simulated), or decline them (default). */
  actions: z.enum(['decline', 'confirm']).default('decline'),
  /**
   * What services answer to an HTTP GET through the API server's service proxy (a declared check's
   * `http: { from: cluster }`): a drill runs no workloads, so the scenario states it. A GET with no
   * answer here is not faked: it gets a 503 that says so.
   */
  http: z
    .array(
      z.strictObject({
        namespace: z.string().min(1),
        service: z.string().min(1),
        port: z.union([z.string().min(1), z.number().int().min(1).max(65535)]).optional(),
        path: z.string().regex(/^\//, 'a path starting with /'),
        status: z.number().int().min(100).max(599),
        headers: z.record(z.string(), z.string()).optional(),
        body: z.string().default(''),
      }),
    )
    .default([]),
  cluster: z
    .strictObject({
      name: z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]*$/)
        .default('drill'),
      /** The Service CIDR the kube-apiserver and kube-controller-manager run with (--service-cluster-ip-range); default 10.96.0.0/12. */
      serviceCIDR: z
        .string()
        .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/, 'a CIDR: 10.43.0.0/16')
        .optional(),
      /** A kubeadm-like layout: cp-N and worker-N nodes with their static pods, add-ons and filler pods. */
      generate: z
        .strictObject({
          controlPlanes: z.number().int().min(0).max(7).default(1),
          workers: z.number().int().min(0).max(5000).default(3),
          podsPerWorker: z.number().int().min(0).max(110).default(0),
          addons: z.boolean().default(true),
        })
        .optional(),
      /** Nodes written out; one named like a generated node replaces it. */
      nodes: z.array(nodeSpec).default([]),
    })
    .default({ name: 'drill', nodes: [] }),
  /** Faults from the catalog (src/drill/faults/), applied in order to the generated cluster. */
  faults: z.array(faultRef).default([]),
  /** The API in front of the cluster: who the drill's token is, what RBAC denies it, what goes wrong on the wire. */
  api: z
    .strictObject({
      user: z.string().min(1).default('drill-admin'),
      denials: z.array(denial).default([]),
      faults: z.array(apiFault).default([]),
      /**
       * The validity of the certificate the API server serves (default: from an hour ago to a year on). Times are
       * RFC 3339 (moved with pastedAt, like pasted times) or `now-…`; an expired one is served as such, so
       * kubectl and every check fail the TLS handshake as on a real cluster ("x509: certificate has expired").
       */
      servingCertificate: z
        .strictObject({ notBefore: z.string().min(1).optional(), notAfter: z.string().min(1).optional() })
        .optional(),
    })
    .default({ user: 'drill-admin', denials: [], faults: [] }),
  /** Raw objects as `kubectl get -o yaml` prints them (a `kind: List` is flattened); times may be written `now-5m`. */
  objects: z.array(rawEntry).default([]),
  /** Files beside the scenario holding pasted `kubectl get -o yaml` (multi-document) or `-o json` output, served verbatim. */
  objectFiles: z.array(z.string().min(1)).default([]),
  /** Container logs from files beside the scenario, as `kubectl logs [--timestamps]` printed them. */
  logFiles: z
    .array(
      z.strictObject({
        namespace: z.string(),
        pod: z.string(),
        container: z.string(),
        previous: z.boolean().default(false),
        file: z.string().min(1),
      }),
    )
    .default([]),
  /** Simulated hosts: node → command line (argv joined by spaces) → what it prints, as the real tool does. */
  hosts: z.record(z.string(), z.record(z.string(), z.union([hostResponse, z.array(hostResponse).min(1)]))).default({}),
  logs: z
    .array(
      z.strictObject({
        namespace: z.string(),
        pod: z.string(),
        container: z.string(),
        previous: z.boolean().default(false),
        lines: z.array(z.string()),
      }),
    )
    .default([]),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type HostResponse = z.infer<typeof hostResponse>;

export function drillResponse(r: HostResponse): DrillResponse {
  const { file: _file, stdout, ...rest } = r;
  return { ...rest, stdout: stdout ?? '' };
}
export type NodeSpec = z.infer<typeof nodeSpec>;
