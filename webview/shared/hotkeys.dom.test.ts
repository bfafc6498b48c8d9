import { assert } from 'chai';
import type { LabelClass } from '../../src/core/model';
import { fitLabel, hotkeyRange } from './hotkeys';

const withKeys = (...keys: (string | undefined)[]): LabelClass[] =>
  keys.map((hotkey, i) => (hotkey ? { name: `l${i}`, color: '#000000', hotkey } : { name: `l${i}`, color: '#000000' }));

describe('hotkeyRange', () => {
  it('writes the hotkeys as short runs, digits and letters apart', () => {
    assert.equal(hotkeyRange(withKeys('1', '2', '3')), '1-3');
    assert.equal(hotkeyRange(withKeys('2', '1')), '1,2');
    assert.equal(hotkeyRange(withKeys('0', '1', '2', '3', '4', '5', '6', '7', '8', '9')), '0-9');
    assert.equal(hotkeyRange(withKeys(...'123456789abc')), '1-9,a-c');
    assert.equal(hotkeyRange(withKeys('1', '5', 'x')), '1,5,x');
    assert.equal(hotkeyRange(withKeys('1', '3', '5', '7')), 'label hotkeys');
    assert.equal(hotkeyRange(withKeys('4', undefined)), '4');
    assert.isUndefined(hotkeyRange(withKeys(undefined)));
  });

  it('zoom to fit gives up key 0 when a label has it', () => {
    assert.equal(fitLabel(withKeys('1')), 'Zoom to fit (0)');
    assert.equal(fitLabel(withKeys('0', '1')), 'Zoom to fit');
  });
});
