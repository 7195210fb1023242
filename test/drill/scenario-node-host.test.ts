import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCluster, loadScenarioFile } from '../../src/drill/scenario.js';
import { scenarioSchema } from '../../src/drill/scenarioSchema.js';
import { createDrillAccess } from '../../src/nodeaccess/drill.js';
import { runHostCheck } from '../checks/host/helpers.js';

const base = { id: 'x', title: 'x', page: 'x', runbook: 'node-not-ready', expect: { diagnosis: null } };

describe("a scenario's node: its own account and the logs pasted from it", () => {
  it('architecture, kernel, OS image and runtime reach nodeInfo and the arch label; the Service CIDR the control plane flags', () => {
    const s = scenarioSchema.parse({
      ...base,
      cluster: {
        serviceCIDR: '10.43.0.0/16',
        generate: { controlPlanes: 1, workers: 0 },
        nodes: [
          {
            name: 'pi-1',
            architecture: 'arm64',
            kernelVersion: '5.15.0-1034-raspi',
            osImage: 'Ubuntu 22.04.2 LTS',
            containerRuntimeVersion: 'containerd://1.6.15-k3s1',
          },
        ],
      },
    });
    const { objects } = buildCluster(s, new Date());
    const node = objects.find((o) => o.kind === 'Node' && o.metadata.name === 'pi-1') as unknown as {
      metadata: { labels: Record<string, string> };
      status: { nodeInfo: Record<string, string> };
    };
    expect(node.status.nodeInfo).toMatchObject({
      architecture: 'arm64',
      kernelVersion: '5.15.0-1034-raspi',
      osImage: 'Ubuntu 22.04.2 LTS',
      containerRuntimeVersion: 'containerd://1.6.15-k3s1',
    });
    expect(node.metadata.labels['kubernetes.io/arch']).toBe('arm64');
    const apiserver = objects.find(
      (o) => o.kind === 'Pod' && o.metadata.name.startsWith('kube-apiserver-'),
    ) as unknown as { spec: { containers: { command: string[] }[] } };
    expect(apiserver.spec.containers[0]?.command).toContain('--service-cluster-ip-range=10.43.0.0/16');
  });

  it('kernelLog from dmesg and a k3s-agent journal from files: the host checks read them, journalctl -k not collected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-node-host-'));
    mkdirSync(join(dir, 'raw'));
    writeFileSync(
      join(dir, 'raw', 'dmesg.txt'),
      '[Tue Nov 20 22:30:22 2018] nf_conntrack: table full, dropping packet\n',
    );
    writeFileSync(
      join(dir, 'raw', 'k3s-agent.txt'),
      'Feb 29 21:02:04 k8s-worker1 k3s[10289]: Incorrect Usage: flag provided but not defined: -system-default-registry\n',
    );
    writeFileSync(
      join(dir, 's.yaml'),
      [
        'id: x',
        'title: x',
        'page: x',
        'runbook: node-not-ready',
        'expect: { diagnosis: null }',
        'notCollected: { hosts: true }',
        'cluster:',
        '  nodes:',
        '    - name: w1',
        '      kernelLog: { from: dmesg, file: raw/dmesg.txt }',
        '      journals:',
        '        k3s-agent: { file: raw/k3s-agent.txt }',
        '',
      ].join('\n'),
    );
    const { scenario } = await loadScenarioFile(join(dir, 's.yaml'));
    const nodes = createDrillAccess({ hosts: buildCluster(scenario, new Date()).hosts });
    const kernel = await runHostCheck('host.kernel-log', { node: 'w1' }, nodes);
    expect(kernel).toMatchObject({
      outcome: 'errors',
      facts: { kernelLogSource: 'dmesg', kernelErrorKinds: 'network' },
    });
    const journals = await runHostCheck('host.service-journals', { node: 'w1' }, nodes);
    expect(journals.facts).toMatchObject({ serviceUnits: 'k3s-agent (active/running)', kubeletUnit: 'k3s-agent' });
    // Its one line is read (the catalog names it; the check itself counts no error level in it).
    expect(journals.summary).toBe('k3s-agent (active/running): 1 journal lines, no error-level line');
  });
});
