import { describe, expect, it } from 'vitest';
import { Footer } from '../../src/ui/Footer.js';
import type { KeyContext } from '../../src/ui/keys.js';
import { renderUi } from '../helpers/render.js';

const ctx: KeyContext = {
  screen: 'walk',
  view: 'main',
  waitingOn: 'check',
  choices: 0,
  auto: false,
  history: 2,
  selected: false,
  openable: true,
  filtered: false,
};

describe('Footer', () => {
  it('lists the keys that work now, from the keybinding table', () => {
    const r = renderUi(<Footer context={ctx} />, { columns: 100 });
    expect(r.frame()).toMatchInlineSnapshot(
      `"⏎ run check · e last step in full · ↑↓ steps · a auto mode · ? keys · q quit (transcript kept)"`,
    );
  });

  it('cuts the other hints, never ? and q, on a narrow terminal', () => {
    const r = renderUi(<Footer context={ctx} />, { columns: 60 });
    const line = r.frame();
    expect(line).toMatch(/· \? keys · q quit \(transcript kept\)$/);
    expect(line.length).toBeLessThanOrEqual(60);
  });
});
