import { describe, expect, it } from 'vitest';
import { Footer } from '../../src/ui/Footer.js';
import { renderUi } from '../helpers/render.js';

describe('Footer', () => {
  it('lists the keys that work now, from the keybinding table', () => {
    const r = renderUi(<Footer context={{ screen: 'walk', waitingOn: 'check', choices: 0, auto: false, expandable: true, expanded: false }} />);
    expect(r.frame()).toMatchInlineSnapshot(`"⏎ run check · a auto mode · e expand · n note · q quit (transcript kept)"`);
  });
});
