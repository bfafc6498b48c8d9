/**
 * Reactive controller that listens to keydown (and keyup) on a target for as long as its host is
 * connected. The labeler app uses one on `document` so shortcuts work wherever focus is in the panel, and
 * so a key it consumes (stopPropagation) never reaches the VS Code webview host's keydown listener on the
 * window, which forwards every key to the workbench for its keybindings.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type KeyHandler = (e: KeyboardEvent) => void;

export class KeyboardController implements ReactiveController {
  constructor(
    host: ReactiveControllerHost,
    private readonly onKeyDown: KeyHandler,
    private readonly onKeyUp?: KeyHandler,
    private readonly target: EventTarget = window,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.target.addEventListener('keydown', this.down as EventListener);
    this.target.addEventListener('keyup', this.up as EventListener);
  }

  hostDisconnected(): void {
    this.target.removeEventListener('keydown', this.down as EventListener);
    this.target.removeEventListener('keyup', this.up as EventListener);
  }

  private readonly down = (e: KeyboardEvent) => this.onKeyDown(e);
  private readonly up = (e: KeyboardEvent) => this.onKeyUp?.(e);
}

/** True when the key event comes from a text field, where shortcuts must not fire. */
export function isTypingTarget(e: Event): boolean {
  const t = e.composedPath()[0];
  if (!(t instanceof HTMLElement)) return false;
  return t.isContentEditable || t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
}

/** Ctrl on Windows/Linux, Cmd on macOS. */
export function hasPrimaryModifier(e: KeyboardEvent): boolean {
  return e.ctrlKey || e.metaKey;
}
