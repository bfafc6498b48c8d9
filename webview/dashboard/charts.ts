/**
 * The dashboard's charts: SVG drawn by Lit templates (no charting library), coloured by class with the
 * theme's --vscode-charts-* variables (dashboard-app.styles.ts), sizes as SVG attributes (never a style
 * attribute: the webview's CSP has no inline-style allowance). Every mark is focusable (one Tab stop per
 * chart, arrow keys move between its marks) and names its value in aria-label and a <title> (hover);
 * the chart's readout (a polite live region) shows the mark under the pointer or focus.
 */
import { html, svg, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';

/** One mark of a chart: its key (stable across models, so focus stays on it), value and what it announces. */
export interface Mark {
  key: string;
  value: number;
  /** Colour class: c-blue, c-green, c-yellow, c-purple, c-red, c-lines, c-foreground (--vscode-charts-orange is left out: faint or unset in some themes). */
  color: string;
  /** What hover and focus show and screen readers announce, e.g. "Labeled: 80 of 200 (40.0%)". */
  text: string;
}

/** What a chart needs from its host element: which mark is the Tab stop, and where to say what is focused. */
export interface ChartHost {
  /** The key of the mark holding the chart's Tab stop (the first mark when unknown). */
  active(chart: string): string | undefined;
  /** Pointer or focus on a mark (undefined: left it). */
  point(chart: string, mark: Mark | undefined, focused: boolean): void;
}

const fmt = (n: number) => n.toLocaleString('en-US');
export const pctText = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(1)}%` : '0.0%');

/** Arrow keys, Home and End move focus between the marks of one chart. */
export function onChartKey(e: KeyboardEvent): void {
  const keys = ['ArrowRight', 'ArrowDown', 'ArrowLeft', 'ArrowUp', 'Home', 'End'];
  if (!keys.includes(e.key)) return;
  const from = e.target as Element;
  const chart = from.closest('[data-chart]');
  if (!chart || !from.classList.contains('mark')) return;
  const marks = [...chart.querySelectorAll<SVGElement>('.mark')];
  const i = marks.indexOf(from as SVGElement);
  const next = e.key === 'Home' ? 0 : e.key === 'End' ? marks.length - 1 : e.key === 'ArrowRight' || e.key === 'ArrowDown' ? Math.min(marks.length - 1, i + 1) : Math.max(0, i - 1);
  e.preventDefault();
  marks[next]?.focus();
}

function markAttrs(host: ChartHost, chart: string, m: Mark, first: boolean) {
  const active = host.active(chart);
  const tab = active === undefined ? first : active === m.key;
  return {
    tabindex: tab ? '0' : '-1',
    focus: () => host.point(chart, m, true),
    blur: () => host.point(chart, undefined, true),
    enter: () => host.point(chart, m, false),
    leave: () => host.point(chart, undefined, false),
  };
}

/** A mark's rect (x, y, w, h in the SVG's viewBox). */
function rect(host: ChartHost, chart: string, m: Mark, first: boolean, x: number, y: number, w: number, h: number) {
  const a = markAttrs(host, chart, m, first);
  return svg`<rect class="mark ${m.color}" data-key=${m.key} x=${x} y=${y} width=${Math.max(0, w)} height=${Math.max(0, h)}
    tabindex=${a.tabindex} role="img" aria-label=${m.text}
    @focus=${a.focus} @blur=${a.blur} @mouseenter=${a.enter} @mouseleave=${a.leave}><title>${m.text}</title></rect>`;
}

/** A horizontal stacked bar of parts of a whole (progress): one rect per non-zero part, with a legend. */
export function stackedBar(host: ChartHost, chart: string, label: string, marks: Mark[]): TemplateResult {
  const total = marks.reduce((s, m) => s + m.value, 0);
  const W = 1000;
  let x = 0;
  const drawn = marks.filter((m) => m.value > 0);
  return html`<div class="chart stacked" data-chart=${chart} @keydown=${onChartKey}>
      <svg class="bar" viewBox="0 0 ${W} 28" preserveAspectRatio="none" role="group" aria-label=${label}>
        <rect class="track" x="0" y="0" width=${W} height="28"></rect>
        ${repeat(
          drawn,
          (m) => m.key,
          (m, i) => {
            const w = total > 0 ? (W * m.value) / total : 0;
            const r = rect(host, chart, m, i === 0, x, 0, w, 28);
            x += w;
            return r;
          },
        )}
      </svg>
      <ul class="legend">
        ${repeat(
          marks,
          (m) => m.key,
          (m) => html`<li data-key=${m.key} class=${m.value ? '' : 'zero'}><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect class="${m.color}" width="10" height="10"></rect></svg>${m.text}</li>`,
        )}
      </ul>
    </div>`;
}

/** Rows of horizontal bars against a common maximum: name, one bar per series, the values (labels, labelers). */
export function barRows(
  host: ChartHost,
  chart: string,
  label: string,
  rows: { key: string; name: string; bars: Mark[] }[],
): TemplateResult {
  const max = Math.max(1, ...rows.flatMap((r) => r.bars.map((b) => b.value)));
  let first = true;
  return html`<div class="chart rows" data-chart=${chart} role="group" aria-label=${label} @keydown=${onChartKey}>
    ${repeat(
      rows,
      (r) => r.key,
      (r) => html`<div class="bar-row" data-key=${r.key}>
        <span class="name" title=${r.name}>${r.name}</span>
        <svg class="bars" viewBox="0 0 100 ${r.bars.length * 10}" preserveAspectRatio="none">
          ${r.bars.map((b, i) => {
            const isFirst = first;
            first = false;
            return rect(host, chart, b, isFirst, 0, i * 10 + 1, (100 * b.value) / max, 8);
          })}
        </svg>
        <span class="values">${r.bars.map((b) => fmt(b.value)).join(' / ')}</span>
      </div>`,
    )}
  </div>`;
}

/** Vertical bars over time (labels per day), with the first and last day and the highest value as axis text. */
export function dayBars(host: ChartHost, chart: string, label: string, marks: (Mark & { day: string })[]): TemplateResult {
  if (!marks.length) return html`${nothing}`;
  const max = Math.max(1, ...marks.map((m) => m.value));
  const W = 10 * marks.length;
  return html`<div class="chart days" data-chart=${chart} @keydown=${onChartKey}>
    <div class="y-axis" aria-hidden="true"><span>${fmt(max)}</span><span>0</span></div>
    <svg class="columns" viewBox="0 0 ${W} 100" preserveAspectRatio="none" role="group" aria-label=${label}>
      <line class="axis" x1="0" y1="100" x2=${W} y2="100"></line>
      ${repeat(
        marks,
        (m) => m.key,
        (m, i) => {
          const h = (100 * m.value) / max;
          return rect(host, chart, m, i === 0, i * 10 + 1, 100 - h, 8, h);
        },
      )}
    </svg>
    <div class="x-axis" aria-hidden="true"><span>${marks[0]!.day}</span><span>${marks[marks.length - 1]!.day}</span></div>
  </div>`;
}
