import { escapeHtml } from './matrix-html.ts';

/**
 * A timeline chart as one inline SVG string: stacked value panels over a shared time axis, shaded
 * bands across all panels, labelled vertical markers, a strip of named spans above and a lane per
 * interval below. Pure: the same spec always gives the same markup, no fonts or scripts needed.
 */

export type Scale = (value: number) => number;

/** Maps [d0, d1] linearly onto [r0, r1]; a zero-width domain maps everything to r0. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  return (v) => (span === 0 ? r0 : r0 + ((v - d0) / span) * (r1 - r0));
}

/** A step of 1, 2 or 5 × 10^k that cuts `span` into about `count` pieces. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  return (residual > 5 ? 10 : residual > 2 ? 5 : residual > 1 ? 2 : 1) * magnitude;
}

const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

/** A tick step in ms that a person counts in: whole seconds, then half and whole minutes. */
export function timeStep(spanMs: number, count: number): number {
  const raw = spanMs / 1000 / Math.max(1, count);
  return (TIME_STEPS_S.find((s) => s >= raw) ?? Math.ceil(raw / 3600) * 3600) * 1000;
}

/** Multiples of `step` (offset by `origin`) inside [min, max]. */
export function ticks(min: number, max: number, step: number, origin = 0): number[] {
  const out: number[] = [];
  for (let v = origin + Math.ceil((min - origin) / step) * step; v <= max + step * 1e-9; v += step) out.push(v);
  return out;
}

export interface Point {
  x: number;
  /** null leaves a gap: no data there */
  y: number | null;
}

const fmt = (n: number): string => String(Math.round(n * 10) / 10);

/**
 * An SVG path through the points, broken where y is null. A lone point becomes a zero-length
 * segment, which a round line cap draws as a dot.
 */
export function linePath(points: readonly Point[]): string {
  const parts: string[] = [];
  let drawing = false;
  for (const p of points) {
    if (p.y === null) {
      drawing = false;
      continue;
    }
    parts.push(`${drawing ? 'L' : 'M'}${fmt(p.x)},${fmt(p.y)}`);
    drawing = true;
  }
  return parts.join('').replace(/M([\d.-]+,[\d.-]+)(?=M|$)/g, 'M$1l0,0');
}

export interface Series {
  label: string;
  /** CSS class of the line; the page's stylesheet colours it */
  className: string;
  points: { t: number; v: number | null }[];
}

export interface Panel {
  title: string;
  yMax: number;
  formatY: (v: number) => string;
  series: Series[];
  /** said inside the panel when it has no points at all */
  empty: string;
}

export interface Span {
  start: number;
  end: number;
  label: string;
  className: string;
  /** the tooltip */
  title?: string;
}

/** A row below the axis: one bar over its span, or, with `segments`, a bar per segment (a pod's states in turn). */
export interface Lane extends Span {
  segments?: Span[];
}

export interface Marker {
  at: number;
  label: string;
  className: string;
}

export interface TimelineSpec {
  from: number;
  to: number;
  /** the time the axis counts from (t = 0 s), e.g. the fault */
  zero: number;
  axisLabel: string;
  panels: Panel[];
  /** shaded across every panel */
  bands: Span[];
  markers: Marker[];
  /** named spans in a strip above the panels */
  strip: Span[];
  /** one row each below the axis */
  lanes: Lane[];
  lanesTitle: string;
}

const WIDTH = 960;
const LEFT = 72;
const RIGHT = 24;
const LEGEND_H = 22;
const MARKER_ROW_H = 14;
const STRIP_H = 18;
const PANEL_H = 130;
const PANEL_GAP = 22;
const AXIS_H = 40;
/** a lane is its label on a line of its own, then its bar: nothing is drawn over the label */
const LANE_LABEL_H = 14;
const LANE_BAR_H = 12;
const LANE_H = LANE_LABEL_H + LANE_BAR_H + 6;
const MIN_BAND_PX = 2;
/** Widths per character, generous for wide fonts (DejaVu Sans, Chromium's fallback on Linux): labels are placed on them. */
const MARKER_CHAR_PX = 7.4;
const STRIP_CHAR_PX = 6.4;

/** Seconds relative to the axis zero: `-12s`, `45s`, `2m05s`. */
export function formatOffset(ms: number): string {
  const s = Math.round(ms / 1000);
  const sign = s < 0 ? '−' : '';
  const abs = Math.abs(s);
  return abs < 120 ? `${sign}${abs}s` : `${sign}${Math.floor(abs / 60)}m${String(abs % 60).padStart(2, '0')}s`;
}

/** A label in the rows above the chart: a marker's, or a phase name too long for its span on the strip. */
interface Callout {
  x: number;
  width: number;
  /** a marker's dashed line runs down from under its label, through the rows below */
  line: boolean;
}

interface CalloutPlace {
  row: number;
  /** labels near the right edge end at their x instead of starting there */
  anchorEnd: boolean;
}

/**
 * Each label goes on the first row where it runs into no label of that row, no marker line
 * coming down from a row above crosses it, and its own line crosses no label on a row below.
 * A label near the right edge ends at its x instead of starting there. When two labels near the
 * right edge leave no such row, the later one goes on a row of its own below the others.
 */
function placeCallouts(callouts: readonly Callout[], right: number): CalloutPlace[] {
  type Placed = { span: [number, number]; x: number; row: number; line: boolean };
  const placed: Placed[] = [];
  // a start-anchored label begins 2 px right of its x, an end-anchored one stops 2 px left: its own line never crosses it
  const inside = (x: number, [a, b]: [number, number]) => x > a && x < b;
  const clash = (p: Placed, q: Placed) =>
    (p.row === q.row && p.span[0] < q.span[1] + 4 && q.span[0] < p.span[1] + 4) || (p.line && p.row < q.row && inside(p.x, q.span)) || (q.line && q.row < p.row && inside(q.x, p.span));
  const out: CalloutPlace[] = [];
  const order = callouts.map((_, i) => i).sort((a, b) => callouts[a]!.x - callouts[b]!.x);
  for (const i of order) {
    const { x, width, line } = callouts[i]!;
    const anchorEnd = x + width > right;
    const span: [number, number] = anchorEnd ? [x - width, x - 2] : [x + 2, x + width];
    const at = (row: number): Placed => ({ span, x, row, line });
    let row = 0;
    while (row < placed.length && placed.some((p) => clash(p, at(row)))) row += 1;
    placed.push(at(row));
    out[i] = { row, anchorEnd };
  }
  return out;
}

export function timelineSvg(spec: TimelineSpec): string {
  const plotRight = WIDTH - RIGHT;
  const x = linearScale([spec.from, spec.to], [LEFT, plotRight]);
  const clampX = (t: number) => Math.min(plotRight, Math.max(LEFT, x(t)));
  const spanX = (s: Span) => ({ x0: clampX(s.start), w: Math.max(MIN_BAND_PX, clampX(s.end) - clampX(s.start)) });
  const sortedMarkers = [...spec.markers].sort((a, b) => a.at - b.at);
  const stripFits = spec.strip.map((s) => spanX(s).w > s.label.length * STRIP_CHAR_PX + 6);
  const overflowing = spec.strip.filter((_, i) => !stripFits[i]);
  const places = placeCallouts(
    [
      ...sortedMarkers.map((m): Callout => ({ x: x(m.at), width: m.label.length * MARKER_CHAR_PX + 6, line: true })),
      ...overflowing.map((s): Callout => ({ x: spanX(s).x0, width: s.label.length * STRIP_CHAR_PX + 6, line: false })),
    ],
    WIDTH,
  );
  const rowY = (row: number) => LEGEND_H + (row + 1) * MARKER_ROW_H - 3;
  const calloutRows = Math.max(1, ...places.map((p) => p.row + 1));
  const stripTop = LEGEND_H + calloutRows * MARKER_ROW_H + 4;
  const plotTop = stripTop + (spec.strip.length ? STRIP_H : 0) + PANEL_GAP;
  const panelTops = spec.panels.map((_, i) => plotTop + i * (PANEL_H + PANEL_GAP));
  const plotBottom = plotTop + spec.panels.length * PANEL_H + Math.max(0, spec.panels.length - 1) * PANEL_GAP;
  const lanesTop = plotBottom + AXIS_H + (spec.lanes.length ? 18 : 0);
  const laneBarTop = (i: number) => lanesTop + i * LANE_H + LANE_LABEL_H;
  const height = lanesTop + spec.lanes.length * LANE_H + 8;
  const out: string[] = [];

  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="timeline">`);
  out.push(legend(spec));

  spec.strip.forEach((s, i) => {
    const { x0, w } = spanX(s);
    const label = stripFits[i] ? `<text x="${fmt(x0 + w / 2)}" y="${stripTop + 13}" text-anchor="middle">${escapeHtml(s.label)}</text>` : '';
    out.push(`<g class="strip ${escapeHtml(s.className)}"><rect x="${fmt(x0)}" y="${stripTop}" width="${fmt(w)}" height="${STRIP_H}"><title>${escapeHtml(s.title ?? s.label)}</title></rect>${label}</g>`);
  });
  overflowing.forEach((s, i) => {
    const { row, anchorEnd } = places[sortedMarkers.length + i]!;
    const { x0 } = spanX(s);
    const text = anchorEnd ? `x="${fmt(x0 + spanX(s).w)}" dx="-3" text-anchor="end"` : `x="${fmt(x0)}" dx="3"`;
    out.push(`<text class="strip-label" ${text} y="${rowY(row)}">${escapeHtml(s.label)}</text>`);
  });

  spec.panels.forEach((panel, i) => out.push(panelSvg(panel, panelTops[i]!, x, spec)));

  // a band per panel, not one across them all: the panel titles between stay readable
  for (const b of spec.bands) {
    const { x0, w } = spanX(b);
    const rects = panelTops.map((top) => `<rect x="${fmt(x0)}" y="${top}" width="${fmt(w)}" height="${PANEL_H}"/>`).join('');
    out.push(`<g class="band ${escapeHtml(b.className)}" data-start="${b.start}" data-end="${b.end}"><title>${escapeHtml(b.title ?? b.label)}</title>${rects}</g>`);
  }

  out.push(axisSvg(spec, x, plotBottom));

  if (spec.lanes.length) out.push(`<text class="lanes-title" x="${LEFT}" y="${lanesTop - 6}">${escapeHtml(spec.lanesTitle)}</text>`);
  spec.lanes.forEach((lane, i) => {
    const top = laneBarTop(i);
    const bars = (lane.segments ?? [lane]).map((s) => {
      const { x0, w } = spanX(s);
      const className = lane.segments ? `lane-bar ${escapeHtml(s.className)}" data-start="${s.start}" data-end="${s.end}` : 'lane-bar';
      return `<rect class="${className}" x="${fmt(x0)}" y="${top}" width="${fmt(w)}" height="${LANE_BAR_H}"><title>${escapeHtml(s.title ?? s.label)}</title></rect>`;
    });
    out.push(
      `<g class="lane ${escapeHtml(lane.className)}" data-start="${lane.start}" data-end="${lane.end}"><text x="${LEFT}" y="${top - 4}">${escapeHtml(lane.label)}</text><rect class="lane-bg" x="${LEFT}" y="${top}" width="${plotRight - LEFT}" height="${LANE_BAR_H}"/>${bars.join('')}</g>`,
    );
  });

  // a marker crosses only what is drawn against time (the strip, the panels, the lane bars), never a label
  const crossed: [number, number][] = [
    ...panelTops.map((top): [number, number] => [top, top + PANEL_H]),
    ...spec.lanes.map((_, i): [number, number] => [laneBarTop(i), laneBarTop(i) + LANE_BAR_H]),
  ];
  for (const [i, m] of sortedMarkers.entries()) {
    const px = fmt(x(m.at));
    const { row, anchorEnd } = places[i]!;
    const y = rowY(row);
    const text = anchorEnd ? `dx="-3" text-anchor="end"` : `dx="3"`;
    const lines = [[y + 4, spec.strip.length ? stripTop + STRIP_H : stripTop], ...crossed].map(([y1, y2]) => `<line x1="${px}" x2="${px}" y1="${y1}" y2="${y2}"/>`);
    out.push(`<g class="marker ${escapeHtml(m.className)}" data-at="${m.at}">${lines.join('')}<text x="${px}" y="${y}" ${text}>${escapeHtml(m.label)}</text></g>`);
  }

  out.push('</svg>');
  return out.join('\n');
}

function legend(spec: TimelineSpec): string {
  const items: [string, string, 'line' | 'box'][] = [
    ...spec.panels.flatMap((p) => p.series.map((s): [string, string, 'line' | 'box'] => [s.label, s.className, 'line'])),
    ...[...new Map(spec.bands.map((b) => [b.className, b.label])).entries()].map(([c, l]): [string, string, 'line' | 'box'] => [l, c, 'box']),
  ];
  let px = LEFT;
  const parts = items.map(([label, className, shape]) => {
    const swatch =
      shape === 'line'
        ? `<line class="${escapeHtml(className)}" x1="${px}" x2="${px + 18}" y1="10" y2="10"/>`
        : `<rect class="swatch ${escapeHtml(className)}" x="${px}" y="4" width="18" height="12"/>`;
    const text = `<text x="${px + 24}" y="14">${escapeHtml(label)}</text>`;
    px += 24 + label.length * 6.6 + 18;
    return swatch + text;
  });
  return `<g class="legend">${parts.join('')}</g>`;
}

function panelSvg(panel: Panel, top: number, x: Scale, spec: TimelineSpec): string {
  const bottom = top + PANEL_H;
  const y = linearScale([0, panel.yMax], [bottom, top + 4]);
  const out: string[] = [`<g class="panel" data-title="${escapeHtml(panel.title)}">`];
  out.push(`<rect class="panel-bg" x="${LEFT}" y="${top}" width="${WIDTH - RIGHT - LEFT}" height="${PANEL_H}"/>`);
  for (const v of ticks(0, panel.yMax, niceStep(panel.yMax, 4))) {
    const py = fmt(y(v));
    out.push(`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${py}" y2="${py}"/><text class="y-tick" x="${LEFT - 6}" y="${py}" dy="4" text-anchor="end">${escapeHtml(panel.formatY(v))}</text>`);
  }
  out.push(`<text class="panel-title" x="${LEFT}" y="${top - 6}">${escapeHtml(panel.title)}</text>`);
  const inRange = (t: number) => t >= spec.from && t <= spec.to;
  const drawn = panel.series.filter((s) => s.points.some((p) => p.v !== null && inRange(p.t)));
  for (const s of drawn) {
    const d = linePath(s.points.filter((p) => inRange(p.t)).map((p) => ({ x: x(p.t), y: p.v === null ? null : y(Math.min(p.v, panel.yMax)) })));
    out.push(`<path class="series ${escapeHtml(s.className)}" d="${d}" data-label="${escapeHtml(s.label)}"/>`);
  }
  if (drawn.length === 0) out.push(`<text class="panel-empty" x="${(LEFT + WIDTH - RIGHT) / 2}" y="${top + PANEL_H / 2}" text-anchor="middle">${escapeHtml(panel.empty)}</text>`);
  out.push('</g>');
  return out.join('');
}

function axisSvg(spec: TimelineSpec, x: Scale, y: number): string {
  const step = timeStep(spec.to - spec.from, 10);
  const out = [`<g class="axis"><line class="x-axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y}" y2="${y}" data-from="${spec.from}" data-to="${spec.to}"/>`];
  for (const t of ticks(spec.from, spec.to, step, spec.zero)) {
    const px = fmt(x(t));
    out.push(`<line class="tick" x1="${px}" x2="${px}" y1="${y}" y2="${y + 5}"/><text class="x-tick" x="${px}" y="${y + 17}" text-anchor="middle">${formatOffset(t - spec.zero)}</text>`);
  }
  out.push(`<text class="axis-label" x="${(LEFT + WIDTH - RIGHT) / 2}" y="${y + 34}" text-anchor="middle">${escapeHtml(spec.axisLabel)}</text></g>`);
  return out.join('');
}
