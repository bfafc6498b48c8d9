/** Test-data builders and input helpers for the labeler's component tests and the benchmark. */
import type { Annotation, LabelClass, ProjectType } from '../../src/core/model';
import { mediaOf } from '../../src/core/model';
import { LabelerStateNotification, type LabelerItem, type LabelerState } from '../../src/protocol/labeler';
import type { IpcNotification } from '../../src/protocol/ipc';
import { HostIpc, type Transport } from '../shared/host-ipc';
import type { LblLabelerApp } from './app';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];

export function someLabels(...names: string[]): LabelClass[] {
  const list = names.length ? names : ['PER', 'ORG', 'LOC'];
  return list.map((name, i) => ({ name, color: PALETTE[i % PALETTE.length]!, hotkey: String(i + 1) }));
}

export function anItem(type: ProjectType, over: Partial<LabelerItem> = {}): LabelerItem {
  const image = mediaOf(type) === 'image';
  return {
    key: image ? 'images/cat.png' : 'data/reviews.csv#7',
    ref: image ? { path: 'images/cat.png' } : { path: 'data/reviews.csv', row: '7' },
    media: image ? 'image' : 'text',
    ...(image ? { imageUri: blankImage(), width: 400, height: 300 } : { text: 'John Smith works at Acme Corp in Paris.' }),
    state: 'unlabeled',
    version: 1,
    ...over,
  };
}

export function aState(type: ProjectType, over: Partial<Omit<LabelerState, 'item'>> & { item?: LabelerItem | null } = {}): LabelerState {
  const { item, ...rest } = over;
  return {
    version: 1,
    project: { id: 'p1', name: 'Demo project', type, status: 'running', labels: someLabels(), instructions: '# Rules\nTag **people** and places.' },
    item: item === null ? undefined : (item ?? anItem(type)),
    progress: { labeled: 312, total: 5000, mine: 41 },
    canGoBack: true,
    ...rest,
  };
}

export function withAnnotation(item: LabelerItem, annotation: Annotation): LabelerItem {
  return { ...item, annotation };
}

let blank: string | undefined;
/** A small grey PNG data URI (no network). */
export function blankImage(w = 400, h = 300): string {
  if (blank && w === 400 && h === 300) return blank;
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#777';
  ctx.fillRect(0, 0, w, h);
  const uri = c.toDataURL('image/png');
  if (w === 400 && h === 300) blank = uri;
  return uri;
}

export function key(target: EventTarget, k: string, init: KeyboardEventInit = {}): KeyboardEvent {
  // A real key event targets the focused element, never the window: the panel listens on the document.
  if (target === window) target = document.activeElement ?? document.body;
  const e = new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true, cancelable: true, ...init });
  target.dispatchEvent(e);
  target.dispatchEvent(new KeyboardEvent('keyup', { key: k, bubbles: true, composed: true, ...init }));
  return e;
}

/** Dispatches a pointer event at an image-pixel point of a canvas editor. */
export function pointerAt(
  editor: { transform: { scale: number; tx: number; ty: number }; shadowRoot: ShadowRoot | null },
  type: 'pointerdown' | 'pointermove' | 'pointerup',
  x: number,
  y: number,
  init: PointerEventInit = {},
): void {
  const canvas = editor.shadowRoot!.querySelector('canvas')!;
  const r = canvas.getBoundingClientRect();
  const t = editor.transform;
  canvas.dispatchEvent(
    new PointerEvent(type, {
      clientX: r.left + x * t.scale + t.tx,
      clientY: r.top + y * t.scale + t.ty,
      button: 0,
      buttons: type === 'pointerup' ? 0 : 1,
      pointerId: 1,
      bubbles: true,
      composed: true,
      ...init,
    }),
  );
}

/** Drags from one image point to another in `steps` moves. */
export function drag(editor: Parameters<typeof pointerAt>[0], from: [number, number], to: [number, number], steps = 3, release = true): void {
  pointerAt(editor, 'pointerdown', ...from);
  for (let i = 1; i <= steps; i++) pointerAt(editor, 'pointermove', from[0] + ((to[0] - from[0]) * i) / steps, from[1] + ((to[1] - from[1]) * i) / steps);
  if (release) pointerAt(editor, 'pointerup', ...to);
}

/** Mounts an element in a fixed-size container and waits for its first render. */
export async function mount<T extends HTMLElement & { updateComplete?: Promise<unknown> }>(el: T, w = 800, h = 600): Promise<T> {
  const box = document.createElement('div');
  box.style.cssText = `width:${w}px;height:${h}px;display:flex;flex-direction:column`;
  box.append(el);
  document.body.append(box);
  await el.updateComplete;
  await new Promise((r) => requestAnimationFrame(() => r(undefined)));
  await el.updateComplete;
  return el;
}

export function unmountAll(): void {
  document.body.replaceChildren();
}

/** Mounts the labeler app over `transport`, delivers `state` as the first snapshot and waits for it to render. */
export async function mountApp<T extends Transport & { notify<P>(n: IpcNotification<P>, params: P): void }>(
  state: LabelerState,
  transport: T,
  timeoutMs = 2000,
): Promise<{ el: LblLabelerApp; transport: T }> {
  const el = document.createElement('lbl-labeler-app');
  el.ipc = new HostIpc(transport, timeoutMs);
  const mounted = mount(el, 1000, 700);
  transport.notify(LabelerStateNotification, state);
  await mounted;
  await el.updateComplete;
  return { el, transport };
}
