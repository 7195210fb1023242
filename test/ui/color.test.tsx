import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as RenderModule from '../helpers/render.js';
import type * as RailModule from '../../src/ui/LayerRail.js';

// Chalk decides its color level when first imported, so force color on and load
// a fresh ink (and the components on it) for this file only.
let ui: typeof RenderModule;
let rail: typeof RailModule;

beforeAll(async () => {
  vi.stubEnv('FORCE_COLOR', '3');
  vi.resetModules();
  ui = await import('../helpers/render.js');
  rail = await import('../../src/ui/LayerRail.js');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

// eslint-disable-next-line no-control-regex
const ansi = /\u001b\[/;

describe('color', () => {
  it('colors the screen when the terminal can', () => {
    const r = ui.renderUi(<rail.LayerRail current="node" verdicts={{ pod: 'finding' }} />);
    expect(r.lastFrame()).toMatch(ansi);
  });

  it('renders plain text with color off, even when the terminal can', () => {
    const r = ui.renderUi(<rail.LayerRail current="node" verdicts={{ pod: 'finding' }} />, { color: false });
    expect(r.lastFrame()).not.toMatch(ansi);
    expect(r.lastFrame()).toBe('✗ pod finding › ● node › ○ cluster › ○ host');
  });
});
