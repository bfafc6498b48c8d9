/**
 * The labeling panel's key routing: Ctrl/Cmd+Z = undo (the draft's, or a mask editor's strokes), an
 * unshifted label hotkey (the mask editor's tool keys stay its own), then the active editor, then
 * Enter = submit, or on a suggestion confirm-and-submit in one action. Functions over the app; its
 * KeyboardController calls them.
 */
import { SubmitRequest } from '../../src/protocol/labeler';
import { hasPrimaryModifier, isTypingTarget } from '../components/keyboard-controller';
import type { LabelEditor } from '../components/editor';
import { labelForKey } from '../shared/colors';
import { mark } from '../shared/host-ipc';
import type { LblLabelerApp } from './app';

/** Keys lbl-mask-editor takes for its tools: b e p g (tools), o (overlay), [ ] (brush size). */
const MASK_TOOL_KEYS = ['b', 'e', 'p', 'g', 'o', '[', ']'];

export function onLabelerKeyUp(app: LblLabelerApp, e: KeyboardEvent): void {
  const ed = app.editor as (LabelEditor & { handleKeyUp?(e: KeyboardEvent): void }) | undefined;
  ed?.handleKeyUp?.(e);
}

export function onLabelerKeyDown(app: LblLabelerApp, e: KeyboardEvent): void {
  if (isTypingTarget(e) || !app.state?.item || !app.draft) return;
  const consume = () => {
    e.preventDefault();
    e.stopPropagation();
  };
  // Undo first, before the defaultPrevented check: the VS Code webview host calls preventDefault() on
  // Ctrl/Cmd+Z in its own keydown listener (on the window) and forwards the key to the workbench, whose
  // Undo does nothing in this page. This listener is on the document, so it normally runs first and a
  // consumed key never reaches the workbench (no keybinding dispatch there, which delays the messages
  // the workbench relays to and from this panel); the check keeps undo working if the order changes.
  if (hasPrimaryModifier(e) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'z') {
    consume();
    return app.undo();
  }
  if (e.defaultPrevented) return;
  const path0 = e.composedPath()[0];
  const onButton = path0 instanceof HTMLElement && (path0.tagName === 'BUTTON' || path0.tagName === 'VSCODE-BUTTON');
  if ((e.key === 'Enter' || e.key === ' ') && onButton) return;
  const plain = !e.ctrlKey && !e.metaKey && !e.altKey;
  // An unshifted label hotkey wins over an editor's own key (0 is also "zoom to fit" in image editors).
  // The mask editor's tool keys (brush, eraser, polygon, fill, overlay, [ ]) are its own, even where a label has one as its hotkey.
  const toolKey = app.draft.annotation.kind === 'mask' && MASK_TOOL_KEYS.includes(e.key.toLowerCase());
  const label = plain && !e.shiftKey && e.key.length === 1 && !toolKey ? labelForKey(app.state.project.labels, e.key) : undefined;
  if (label) {
    consume();
    return app.pick(label.name);
  }
  if (app.editor?.handleKey(e)) return consume();
  if (e.key === 'Enter' && plain && !e.shiftKey) {
    consume();
    mark('key', SubmitRequest.method);
    void (app.draft.suggested ? app.confirm() : app.submit());
    return;
  }
  if (plain && e.key.length === 1 && !toolKey) {
    const l = labelForKey(app.state.project.labels, e.key);
    if (l) {
      consume();
      app.pick(l.name);
    }
  }
}
