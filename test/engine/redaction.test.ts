import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAsset } from '../../src/assets.js';
import { findCheck } from '../../src/checks/registry.js';
import type { SessionEvent } from '../../src/engine/events.js';
import { Session } from '../../src/engine/session.js';
import { textLines } from '../../src/engine/textLog.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import { TranscriptWriter } from '../../src/transcript/writer.js';
import { event, pod, startTestDrill } from '../helpers/drill.js';
import type { TestDrill } from '../helpers/drill.js';

const token = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJlc2VjcmV0';
const password = 'hunter2-Sup3rS3cret';

describe('secrets planted in the drill never reach the transcript or the screen', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { nodes: [{ name: 'worker-1' }] as never },
      objects: [
        pod(
          'api-0',
          'shop',
          { nodeName: 'worker-1' },
          {
            phase: 'Pending',
            containerStatuses: [
              {
                name: 'api',
                image: 'registry.example.com/shop/api:1.0',
                imageID: '',
                ready: false,
                restartCount: 0,
                state: {
                  waiting: {
                    reason: 'ImagePullBackOff',
                    message: `Back-off pulling image; pull secret was MYSQL_ROOT_PASSWORD=${password}`,
                  },
                },
              },
            ],
          },
        ),
        event(
          'shop',
          'api-0',
          'Warning',
          'Failed',
          `Failed to pull image "registry.example.com/shop/api:1.0": unexpected status from GET request with header Authorization: Bearer ${token}: 401 Unauthorized`,
          4,
        ),
        event(
          'shop',
          'api-0',
          'Warning',
          'Failed',
          `Failed to pull image: error pulling from https://deploy:${password}@registry.example.com/v2/`,
          2,
        ),
      ] as never,
    });
  });
  afterAll(() => t.close());

  it('redacts tokens and passwords in every event, the transcript file and the text screen', async () => {
    const runbook = await loadRunbookFile(resolveAsset('runbooks', 'workload-down'), findCheck);
    const file = join(mkdtempSync(join(tmpdir(), 'plumbline-redact-')), 't.jsonl');
    const writer = TranscriptWriter.open(file);
    const session = new Session({
      runbook,
      inputs: { namespace: 'shop', pod: 'api-0' },
      kube: t.kube,
      mode: 'drill',
      auto: true,
      answerDefaults: true,
    });
    const events: SessionEvent[] = [];
    session.on((e) => {
      events.push(e);
      writer.write(e);
    });
    session.start();
    const result = await session.done;
    writer.close();
    expect(result.diagnosis?.id).toBe('image-pull-unauthorized');
    const everything = [
      readFileSync(file, 'utf8'),
      JSON.stringify(events),
      events.flatMap(textLines).join('\n'),
      JSON.stringify(result.diagnosis),
    ].join('\n');
    // The walk really saw the messages: the planted lines are there, only their secrets are gone.
    expect(everything).toContain('Failed to pull image');
    expect(everything).toContain('[REDACTED]');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(password);
  });
});
