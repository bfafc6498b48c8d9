import { assert } from 'chai';
import { mount, unmountAll } from '../labeler/test-builders';
import { parseBlocks } from './instructions';

describe('lbl-instructions', () => {
  afterEach(unmountAll);

  it('parses headings, lists and paragraphs', () => {
    assert.deepEqual(parseBlocks('# Title\n\nLine one\nline two\n- a\n- b\n1. x'), [
      { kind: 'h', level: 1, text: 'Title' },
      { kind: 'p', text: 'Line one\nline two' },
      { kind: 'ul', items: ['a', 'b'] },
      { kind: 'ol', items: ['x'] },
    ]);
  });

  it('renders bold and code with templates and any HTML as text', async () => {
    const el = document.createElement('lbl-instructions');
    el.text = 'Tag **people** as `PER`.\n\n<script>alert(1)</script><img src=x>';
    await mount(el);
    const root = el.shadowRoot!;
    assert.equal(root.querySelector('strong')!.textContent, 'people');
    assert.equal(root.querySelector('code')!.textContent, 'PER');
    assert.isNull(root.querySelector('script, img'));
    assert.include(root.textContent!, '<script>alert(1)</script>');
  });
});
