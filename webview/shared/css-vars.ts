/**
 * cssVars: sets CSS custom properties on an element through the CSSOM (`style.setProperty`), never
 * through a `style` attribute, so the webviews' CSP needs no inline-style allowance.
 *
 * Lit's own `styleMap` is not enough: on an element's first render it commits a `style="..."` attribute
 * string (setAttribute), which a strict `style-src` blocks. Use as an element directive, with the
 * component's stylesheet reading the properties:
 *
 *     html`<span class="chip" ${cssVars({ '--c': color })}>`
 */
import { nothing } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

export type CssVars = Readonly<Record<`--${string}`, string>>;

class CssVarsDirective extends Directive {
  private previous: CssVars = {};

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('cssVars must be used on an element: <span ${cssVars({ ... })}>');
  }

  render(_vars: CssVars): typeof nothing {
    return nothing;
  }

  override update(part: ElementPart, [vars]: [CssVars]): typeof nothing {
    const { style } = part.element as HTMLElement | SVGElement;
    for (const name of Object.keys(this.previous)) if (!(name in vars)) style.removeProperty(name);
    for (const [name, value] of Object.entries(vars)) if (style.getPropertyValue(name) !== value) style.setProperty(name, value);
    this.previous = vars;
    return nothing;
  }
}

export const cssVars = directive(CssVarsDirective);
