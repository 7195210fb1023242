import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { jsonSchemaFor, schemaKinds } from '../jsonSchema.js';
import { join, relative, resolve } from 'node:path';
import type { CliArgs } from '../args.js';
import { UsageError } from '../usageError.js';

function runbookText(id: string): string {
  return `# yaml-language-server: $schema=../schemas/runbook.schema.json
# ${id}: written with plumbline new runbook. docs/runbooks.md explains every field.
id: ${id}
title: "${id}: the service is down"
symptom: "{{inputs.deployment}} in {{inputs.namespace}} does not serve"
inputs:
  - { name: namespace, description: the namespace, default: default, pick: namespace }
  - { name: deployment, description: the Deployment that serves it }

# The checks this runbook declares, in a file other runbooks can share.
checkFiles: [./checks/${id}.yaml]

start: available

steps:
  available:
    type: check
    title: Are the Deployment's replicas available?
    layer: pod
    why: A Deployment with fewer available replicas than it wants serves less, or nothing.
    check: ${id}.available
    with: { namespace: "{{inputs.namespace}}", name: "{{inputs.deployment}}" }
    next:
      available: $no-finding
      unavailable: not-available
      missing: no-deployment
      error: $incomplete

  not-available:
    type: diagnosis
    title: "{{inputs.deployment}} has {{facts.availableReplicas}} of {{facts.wantedReplicas}} replicas available"
    layer: pod
    why: Its pods are not Ready; why is in their status and events.
    chain:
      - "Deployment {{inputs.deployment}} wants {{facts.wantedReplicas}} replicas, {{facts.availableReplicas}} are available"
      - "{{inputs.deployment}} does not serve"
    fix:
      - "kubectl describe deployment {{inputs.deployment}} -n {{inputs.namespace}}"
      - "kubectl get pods -n {{inputs.namespace}} -o wide: walk a pod that is not Ready with plumbline run workload-down"
    verify:
      - "kubectl rollout status deployment/{{inputs.deployment}} -n {{inputs.namespace}}"

  no-deployment:
    type: diagnosis
    title: "Deployment {{inputs.deployment}} does not exist in {{inputs.namespace}}"
    layer: pod
    why: Nothing runs the service.
    chain:
      - "Deployment {{inputs.namespace}}/{{inputs.deployment}} is missing"
    fix:
      - "kubectl get deployments -n {{inputs.namespace}}"
`;
}

function checksText(id: string): string {
  return `# yaml-language-server: $schema=../../schemas/check.schema.json
checks:
  ${id}.available:
    type: kube
    layer: pod
    title: Are the Deployment's replicas available?
    why: A Deployment's status says how many of the replicas it wants are available.
    params:
      namespace: { description: the namespace }
      name: { description: the Deployment }
    kube:
      apiVersion: apps/v1
      kind: Deployment
      namespace: "{{params.namespace}}"
      name: "{{params.name}}"
    let:
      wanted: "found && has(object.spec.replicas) ? object.spec.replicas : 1"
      available: "found && has(object.status.availableReplicas) ? object.status.availableReplicas : 0"
    rules:
      - outcome: missing
        when: "!found"
        summary: "deployment {{params.name}} does not exist"
      - outcome: unavailable
        when: available < wanted
        summary: "{{available}} of {{wanted}} replicas available"
        facts: { availableReplicas: available, wantedReplicas: wanted }
      - outcome: available
        summary: "all {{wanted}} replicas available"
    healthy: [available]
`;
}

function scenarioText(id: string, finding: boolean): string {
  const available = finding ? 0 : 2;
  return `# yaml-language-server: $schema=../schemas/scenario.schema.json
# ${finding ? 'The finding: no replica of web is available.' : 'The healthy case: nothing to find (a runbook must not cry wolf).'}
id: ${id}-${finding ? 'unavailable' : 'healthy'}
title: ${finding ? 'web has no available replica' : 'web is fine'}
page: "web in shop does not serve"
runbook: ${id}
inputs: { namespace: shop, deployment: web }
expect:
  diagnosis: ${finding ? 'not-available' : 'null'}

cluster:
  generate: { controlPlanes: 1, workers: 2 }

objects:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: { name: web, namespace: shop, creationTimestamp: now-2d }
    spec:
      replicas: 2
      selector: { matchLabels: { app: web } }
      template:
        metadata: { labels: { app: web } }
        spec: { containers: [{ name: web, image: "registry.example.com/web:1.0" }] }
    status: { replicas: 2, readyReplicas: ${available}, availableReplicas: ${available}, updatedReplicas: 2 }
`;
}

function testScript(): string {
  return `#!/bin/sh
# Lints the runbook and walks every scenario on a drill cluster; exits non-zero when one ends elsewhere than it expects.
set -e
cd "$(dirname "$0")"
plumbline lint --runbooks runbooks runbooks/*.yaml scenarios/*.yaml
plumbline test scenarios --runbooks runbooks
`;
}

/** `plumbline new runbook <id>`: a runbook with one declared check, two scenarios and a script that tests them. */
export function newCommand(positionals: string[], args: Pick<CliArgs, 'out'>): number {
  const [what, id] = positionals;
  if (what !== 'runbook' || id === undefined) throw new UsageError('new takes: plumbline new runbook <id> [--out DIR]');
  if (!/^[a-z][a-z0-9-]*$/.test(id))
    throw new UsageError(`a runbook id is lower-case words joined by dashes, starting with a letter, not "${id}"`);
  const out = resolve(args.out ?? '.');
  const files: [string, string][] = [
    [join(out, 'runbooks', `${id}.yaml`), runbookText(id)],
    [join(out, 'runbooks', 'checks', `${id}.yaml`), checksText(id)],
    [join(out, 'scenarios', `${id}-unavailable.yaml`), scenarioText(id, true)],
    [join(out, 'scenarios', `${id}-healthy.yaml`), scenarioText(id, false)],
    [join(out, 'test.sh'), testScript()],
  ];
  const there = files.filter(([f]) => existsSync(f)).map(([f]) => f);
  if (there.length > 0)
    throw new UsageError(`not overwriting ${there.map((f) => relative(process.cwd(), f) || f).join(', ')}`);
  // The schemas go with the files (an editor validates offline, in any checkout); ones already there are kept.
  for (const kind of schemaKinds) {
    const file = join(out, 'schemas', `${kind}.schema.json`);
    if (!existsSync(file)) files.push([file, `${JSON.stringify(jsonSchemaFor(kind), null, 2)}\n`]);
  }
  for (const [file, text] of files) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text, { mode: file.endsWith('.sh') ? 0o755 : 0o644 });
    process.stdout.write(`wrote ${relative(process.cwd(), file) || file}\n`);
  }
  const rel = relative(process.cwd(), out) || '.';
  process.stdout.write(
    `\nnext: edit ${join(rel, 'runbooks', `${id}.yaml`)}, then run ${join(rel, 'test.sh')} (plumbline test ${join(rel, 'scenarios')} --runbooks ${join(rel, 'runbooks')})\n`,
  );
  return 0;
}
