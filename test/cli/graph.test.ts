import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import { loadRunbookText } from '../../src/runbook/load.js';
import { graphDot, graphMermaid, runbookGraph } from '../../src/runbook-graph/graph.js';
import { runCli } from '../helpers/cli.js';

/** A runbook small enough to read its whole graph: a check, a question, a bottom-up sweep, two diagnoses. */
const tinyRunbook = `id: tiny-node
title: A tiny node runbook
symptom: node {{inputs.node}} is NotReady
inputs:
  - { name: node, description: the node }
start: node-ready
bottomUp: kubelet
steps:
  node-ready:
    type: check
    layer: node
    why: The kubelet writes the Ready condition.
    check: node.ready
    with: { name: "{{inputs.node}}" }
    next: { ready: $no-finding, not-ready: ask-host, unknown: ask-host, not-found: node-gone, error: $incomplete }
  ask-host:
    type: ask
    layer: node
    why: Only someone on call knows whether the host may be touched.
    question: "Look at the host?"
    choices:
      "yes": { label: "Yes", next: $bottom-up }
      "no": { label: "No", next: $incomplete }
    default: "yes"
  kubelet:
    type: check
    layer: host
    why: The node's status comes from the kubelet service.
    check: host.kubelet-service
    with: { node: "{{inputs.node}}" }
    next: { running: $no-finding, starting: $no-finding, restart-loop: kubelet-down, failed: kubelet-down, inactive: kubelet-down, not-installed: kubelet-down, error: $incomplete }
  node-gone:
    type: diagnosis
    title: The node object is gone
    layer: node
    why: A deleted node has no status to read.
    chain: ["node {{inputs.node}} was deleted"]
    fix: ["kubeadm join it again"]
  kubelet-down:
    type: diagnosis
    title: The kubelet is not running
    layer: host
    why: Without the kubelet nobody reports the node's status.
    chain: ["the kubelet service is not running"]
    fix: ["systemctl restart kubelet"]
`;

const expectedMermaid = `flowchart TD
  subgraph top_down["top-down"]
    s_node_ready["node-ready<br/><small>node.ready</small>"]
    s_ask_host{"ask-host"}
  end
  subgraph bottom_up["bottom-up sweep"]
    s_kubelet["kubelet<br/><small>host.kubelet-service</small>"]
  end
  walk_start(("start"))
  s_node_gone(["node-gone"])
  s_kubelet_down(["kubelet-down"])
  t_bottom_up(("$bottom-up"))
  t_no_finding(("$no-finding"))
  t_incomplete(("$incomplete"))
  walk_start --> s_node_ready
  s_node_ready -->|"ready"| t_no_finding
  s_node_ready -->|"not-ready, unknown"| s_ask_host
  s_node_ready -->|"not-found"| s_node_gone
  s_node_ready -->|"error"| t_incomplete
  s_ask_host -->|"yes"| t_bottom_up
  s_ask_host -->|"no"| t_incomplete
  s_kubelet -->|"running, starting"| t_no_finding
  s_kubelet -->|"restart-loop, failed, inactive, not-installed"| s_kubelet_down
  s_kubelet -->|"error"| t_incomplete
  t_bottom_up -.-> s_kubelet
  classDef diagnosis fill:#d3f9d8,stroke:#2b8a3e,color:#1b4332
  classDef special fill:#f1f3f5,stroke:#868e96,color:#495057
  class s_node_gone,s_kubelet_down diagnosis
  class walk_start,t_bottom_up,t_no_finding,t_incomplete special`;

const expectedDot = `digraph "tiny-node" {
  label="A tiny node runbook";
  labelloc=t;
  rankdir=TB;
  node [shape=box, fontname="Helvetica"];
  edge [fontname="Helvetica", fontsize=10];
  subgraph cluster_top_down {
    label="top-down";
    style=dashed;
    "node-ready" [label="node-ready\\nnode.ready"];
    "ask-host" [label="ask-host", shape=diamond];
  }
  subgraph cluster_bottom_up {
    label="bottom-up sweep";
    style=dashed;
    "kubelet" [label="kubelet\\nhost.kubelet-service"];
  }
  "$start" [label="start", shape=circle, style=filled, fillcolor="#f1f3f5", color="#868e96"];
  "node-gone" [label="node-gone", style="rounded,filled", fillcolor="#d3f9d8", color="#2b8a3e"];
  "kubelet-down" [label="kubelet-down", style="rounded,filled", fillcolor="#d3f9d8", color="#2b8a3e"];
  "$bottom-up" [label="$bottom-up", shape=circle, style=filled, fillcolor="#f1f3f5", color="#868e96"];
  "$no-finding" [label="$no-finding", shape=circle, style=filled, fillcolor="#f1f3f5", color="#868e96"];
  "$incomplete" [label="$incomplete", shape=circle, style=filled, fillcolor="#f1f3f5", color="#868e96"];
  "$start" -> "node-ready";
  "node-ready" -> "$no-finding" [label="ready"];
  "node-ready" -> "ask-host" [label="not-ready, unknown"];
  "node-ready" -> "node-gone" [label="not-found"];
  "node-ready" -> "$incomplete" [label="error"];
  "ask-host" -> "$bottom-up" [label="yes"];
  "ask-host" -> "$incomplete" [label="no"];
  "kubelet" -> "$no-finding" [label="running, starting"];
  "kubelet" -> "kubelet-down" [label="restart-loop, failed, inactive, not-installed"];
  "kubelet" -> "$incomplete" [label="error"];
  "$bottom-up" -> "kubelet" [style=dashed];
}`;

describe('runbook graph', () => {
  const spec = loadRunbookText('tiny-node.yaml', tinyRunbook, findCheck).spec;

  it('draws the decision tree as Mermaid: phases as subgraphs, outcome-labelled edges, diagnoses and special targets styled apart', () => {
    expect(graphMermaid(runbookGraph(spec))).toBe(expectedMermaid);
  });

  it('draws the same tree as Graphviz DOT', () => {
    expect(graphDot(runbookGraph(spec))).toBe(expectedDot);
  });
});

describe('plumbline graph', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'plumbline-graph-')), 'tiny-node.yaml');
  writeFileSync(file, tinyRunbook);

  it('prints Mermaid by default', async () => {
    const r = await runCli(['graph', file]);
    expect(r).toEqual({ stdout: `${expectedMermaid}\n`, stderr: '', exitCode: 0 });
  });

  it('prints DOT with --format dot', async () => {
    const r = await runCli(['graph', file, '--format', 'dot']);
    expect(r).toEqual({ stdout: `${expectedDot}\n`, stderr: '', exitCode: 0 });
  });

  it('refuses another format and a missing runbook with exit 2', async () => {
    const bad = await runCli(['graph', file, '--format', 'markdown']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe(
      "plumbline: option '--format <format>' argument 'markdown' is invalid. Allowed choices are mermaid, dot. (see plumbline graph --help)\n",
    );
    const none = await runCli(['graph']);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toBe("plumbline: missing required argument 'runbook' (see plumbline graph --help)\n");
  });
});
