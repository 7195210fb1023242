import { describe, expect, it } from 'vitest';
import type { Layer } from '../../src/checks/types.js';
import { LayerRail } from '../../src/ui/LayerRail.js';
import type { LayerVerdicts } from '../../src/ui/verdict.js';
import { renderUi } from '../helpers/render.js';

describe('LayerRail', () => {
  it.each<[string, Layer | null, LayerVerdicts, string]>([
    ['before the walk', null, {}, '○ pod › ○ node › ○ cluster › ○ host'],
    ['on the pod layer', 'pod', {}, '● pod › ○ node › ○ cluster › ○ host'],
    ['pod found something, now on node', 'node', { pod: 'finding' }, '✗ pod finding › ● node › ○ cluster › ○ host'],
    [
      'bottom-up: host ok, cluster could not check, now on node',
      'node',
      { host: 'ok', cluster: 'error' },
      '○ pod › ● node › ! cluster error › ✓ host ok',
    ],
    ['ended on a pod diagnosis', null, { pod: 'finding' }, '✗ pod finding › ○ node › ○ cluster › ○ host'],
  ])('%s', (_name, current, verdicts, expected) => {
    expect(renderUi(<LayerRail current={current} verdicts={verdicts} />).frame()).toBe(expected);
  });
});
