import { assert } from 'chai';
import { html, render } from 'lit';
import { cssVars, type CssVars } from './css-vars';

describe('cssVars', () => {
  it('sets, changes and removes custom properties through the CSSOM (no CSP violation on a strict page)', () => {
    const host = document.createElement('div');
    document.body.append(host);
    const draw = (vars: CssVars) => render(html`<span ${cssVars(vars)}>x</span>`, host);
    try {
      draw({ '--c': '#ff0000', '--t': '#ffffff' });
      const span = host.querySelector('span')!;
      assert.equal(span.style.getPropertyValue('--c'), '#ff0000');
      assert.equal(span.style.getPropertyValue('--t'), '#ffffff');
      draw({ '--c': '#00ff00' });
      assert.equal(span.style.getPropertyValue('--c'), '#00ff00');
      assert.equal(span.style.getPropertyValue('--t'), '');
    } finally {
      host.remove();
    }
  });

  it('refuses to be used as an attribute value', () => {
    const host = document.createElement('div');
    assert.throws(() => render(html`<span title=${cssVars({ '--c': 'red' })}></span>`, host), /must be used on an element/);
  });
});
