import { strict as assert } from 'node:assert';
import { orderTime } from '../journal/events';
import { orderTimeOfIso } from './ev-columns';

describe('ev-columns orderTimeOfIso', () => {
  it('gives orderTime\'s value for the times lines are written with and for every other text', () => {
    const texts = [
      '2026-11-01T00:00:03.000Z', '2026-12-31T23:59:59.999Z', '2026-02-28T12:34:56.789Z', '2026-02-29T00:00:00.000Z',
      '2026-02-30T00:00:00.000Z', '2026-04-31T10:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-01-01T23:59:60.000Z',
      '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.001Z', '1969-12-31T23:59:59.999Z', '0000-01-01T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z', '2026-00-10T00:00:00.000Z', '2026-01-00T00:00:00.000Z', '2026-01-01t00:00:00.000Z',
      '2026-01-01T00:00:00.000+01:00', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.0000Z', '2026-1a-01T00:00:00.000Z',
      '2026-01-01 00:00:00.000Z', '+02026-01-01T00:00:0.000Z', 'not a time at all, 24 c', '',
    ];
    for (let t = Date.UTC(2020, 0, 1, 3, 4, 5, 6); t < Date.UTC(2031, 0, 1); t += 7_777_777_777 / 97) texts.push(new Date(Math.floor(t)).toISOString());
    for (const at of texts) assert.equal(orderTimeOfIso(at), orderTime(at), at);
  });
});
