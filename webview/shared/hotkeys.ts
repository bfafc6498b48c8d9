/** Label hotkeys as the editors show them: the hint line's "1-9", "1-9,a-c", "0-9" or "1,5,x", and zoom-to-fit's key. */
import type { LabelClass } from '../../src/core/model';

const ORDER = '0123456789abcdefghijklmnopqrstuvwxyz';

/** The project's hotkeys as short runs (digits and letters never share a run), or undefined when there are none. */
export function hotkeyRange(labels: readonly LabelClass[]): string | undefined {
  const idx = [...new Set(labels.flatMap((l) => (l.hotkey && ORDER.includes(l.hotkey) ? [ORDER.indexOf(l.hotkey)] : [])))].sort((a, b) => a - b);
  if (!idx.length) return undefined;
  const runs: [number, number][] = [];
  for (const i of idx) {
    const last = runs[runs.length - 1];
    if (last && i === last[1] + 1 && i !== 10) last[1] = i;
    else runs.push([i, i]);
  }
  const text = (r: [number, number]) => (r[0] === r[1] ? ORDER[r[0]]! : `${ORDER[r[0]]}${r[1] === r[0] + 1 ? ',' : '-'}${ORDER[r[1]]}`);
  return runs.length > 3 ? 'label hotkeys' : runs.map(text).join(',');
}

/** "Zoom to fit (0)", or without the key when a label's hotkey is 0 (the label wins the key). */
export function fitLabel(labels: readonly LabelClass[]): string {
  return labels.some((l) => l.hotkey === '0') ? 'Zoom to fit' : 'Zoom to fit (0)';
}
