import type { KicPushEntry, Observation, OutageWindow, Phase, RouteEntry, RunHeader, StepEntry, TrafficBucket, TrafficEntry } from '../evidence/types.ts';
import { podStandings, type PodStanding } from '../judge/convergence.ts';
import type { Judgement, Symptom } from '../judge/outcome.ts';
import { statusClass, type RequestRecord } from '../probes/traffic/record.ts';
import { bucketize, outageWindows } from '../probes/traffic/summary.ts';
import type { RunJudgement } from '../runner/verdict.ts';
import { formatOffset, niceStep, timelineSvg, type Lane, type Marker, type Span, type TimelineSpec } from './chart.ts';
import { escapeHtml, safeHref, VERDICT_COLOUR } from './matrix-html.ts';

export interface Artifact {
  /** relative to the run directory */
  path: string;
  label: string;
}

export interface RunReportInput {
  header: RunHeader;
  observations: Observation[];
  judged: RunJudgement;
  scenarioTitle: string;
  artifacts: Artifact[];
}

/** What the chart plots: success and p99 per interval, and the outages, from one source. */
interface Throughput {
  source: string;
  bucketMs: number;
  buckets: TrafficBucket[];
  outages: OutageWindow[];
}

/** More points than this are merged into wider bins: a 960 px chart cannot show more. */
const MAX_POINTS = 480;
const DEFAULT_ROUTE_INTERVAL_MS = 2000;
const EVIDENCE_TEXT_MAX = 600;
/** The part of a run a person looks at: from the steady-state check to the end of recovery. */
const SCENARIO_PHASES: readonly Phase[] = ['steady-state', 'fault', 'observe', 'remediate', 'recover'];

/** report.html for one run: verdict, timeline chart, symptoms with evidence, phases, artifacts. One file, no network. */
export function renderRunReport(input: RunReportInput): string {
  const { header, observations, judged, scenarioTitle } = input;
  const steps = observations.filter((o): o is StepEntry => o.kind === 'step');
  const data = throughput(observations);
  const faultStart = steps.find((s) => s.phase === 'fault' && s.state === 'start');
  const domain = domainOf(header, observations, steps, data, judged.judgement.symptoms);
  const zero = faultStart?.at ?? domain[0];
  const title = `${header.scenario}${header.variant ? ` (${header.variant})` : ''}: ${judged.verdict}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head><body>
<header>
<h1>${escapeHtml(scenarioTitle)}</h1>
<p class="subtitle"><code>${escapeHtml(header.scenario)}</code>${header.variant ? ` variant <code>${escapeHtml(header.variant)}</code>` : ''} · run <code>${escapeHtml(header.runId)}</code> · started ${escapeHtml(new Date(header.at).toISOString())}</p>
</header>
${verdictHtml(input)}
${targetHtml(header, observations)}
<section class="chart">
<h2>Timeline</h2>
${timelineSvg(chartSpec(domain, steps, data, judged.judgement, zero, faultStart !== undefined, podLanes(observations)))}
<p class="caption">${escapeHtml(captionOf(data, domain[0]))}</p>
</section>
${symptomsHtml(judged.judgement.symptoms, zero)}
${phasesHtml(steps, zero)}
${artifactsHtml(input.artifacts)}
<footer>kong-chaos ${escapeHtml(header.harness)} · times are seconds from ${faultStart ? 'the start of the fault' : 'the start of the timeline'}</footer>
</body></html>
`;
}

function verdictHtml({ judged, header }: RunReportInput): string {
  const { verdict, judgement, expectation } = judged;
  const expected =
    expectation === undefined
      ? `no expectation covers KIC ${header.target.kic}`
      : expectation.accepted === 'observe'
        ? `KIC ${header.target.kic} (${expectation.range}): observe only, nobody has confirmed the behaviour yet`
        : `KIC ${header.target.kic} (${expectation.range}): ${expectation.accepted.join(' or ')}`;
  return `<section class="verdict verdict-${escapeHtml(verdict)}" style="--verdict:${VERDICT_COLOUR[verdict]}">
<div class="verdict-badge">${escapeHtml(verdict)}</div>
<div class="verdict-body">
<p class="outcome">outcome <b>${escapeHtml(judgement.outcome)}</b></p>
<p class="reason">${escapeHtml(judgement.reason)}</p>
<p class="expected">expected for ${escapeHtml(expected)}</p>
<p class="remediation">remediation: ${escapeHtml(judgement.remediation)}</p>
</div>
</section>`;
}

function targetHtml(header: RunHeader, observations: readonly Observation[]): string {
  const t = header.target;
  const faults = observations.filter((o) => o.kind === 'fault');
  const rows: [string, string][] = [
    ['Kubernetes', t.k8s],
    ['KIC', t.kic],
    ['Kong Gateway', t.gateway],
    ['mode', t.mode],
    ['topology', t.topology],
    ['feature gates', t.featureGates.join(', ') || 'none'],
    ...faults.map((f): [string, string] => ['fault', `${f.name}${f.detail ? `: ${f.detail}` : ''}`]),
  ];
  return `<section class="target"><h2>Target</h2><table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table></section>`;
}

function symptomsHtml(symptoms: readonly Symptom[], zero: number): string {
  if (symptoms.length === 0) return '<section class="symptoms"><h2>Signatures that fired</h2><p class="none">No signature fired.</p></section>';
  const rows = symptoms.map((s) => {
    const state = s.clearedAt === undefined ? '<span class="present">still present</span>' : `cleared at ${formatOffset(s.clearedAt - zero)}`;
    const evidence = s.evidence.map((o) => `<li><time>${formatOffset(o.at - zero)}</time> <code>${escapeHtml(evidenceText(o))}</code></li>`).join('');
    const seen = s.lastSeen === s.firstSeen ? `at ${formatOffset(s.firstSeen - zero)}` : `${formatOffset(s.firstSeen - zero)} – ${formatOffset(s.lastSeen - zero)}`;
    return `<tr class="symptom-row" data-signature="${escapeHtml(s.signature)}"><td><code class="signature">${escapeHtml(s.signature)}</code><div class="subject">${escapeHtml(s.subject)}</div></td><td>${seen}<br>${state}</td><td><p class="summary">${escapeHtml(s.summary)}</p><ul class="evidence">${evidence}</ul></td></tr>`;
  });
  return `<section class="symptoms"><h2>Signatures that fired</h2><table><thead><tr><th>signature</th><th>seen</th><th>what and evidence</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function phasesHtml(steps: readonly StepEntry[], zero: number): string {
  const spans = phaseSpans(steps);
  if (spans.length === 0) return '<section class="phases"><h2>Phases</h2><p class="none">No phase was recorded.</p></section>';
  const rows = spans.map((p) => {
    const took = p.end === undefined ? 'did not end' : `${((p.end - p.start) / 1000).toFixed(1)} s`;
    const state = p.failed ? `<span class="failed">failed</span>${p.message ? `: ${escapeHtml(p.message)}` : ''}` : p.end === undefined ? 'unfinished' : 'ok';
    return `<tr class="phase-row${p.failed ? ' failed' : ''}"><th>${escapeHtml(p.phase)}</th><td class="time">${formatOffset(p.start - zero)}</td><td class="time">${took}</td><td>${state}</td></tr>`;
  });
  return `<section class="phases"><h2>Phases</h2><table><thead><tr><th>phase</th><th>start</th><th>took</th><th>result</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function artifactsHtml(artifacts: readonly Artifact[]): string {
  if (artifacts.length === 0) return '<section class="artifacts"><h2>Artifacts</h2><p class="none">No artifact was found next to this report.</p></section>';
  const items = artifacts.map((a) => {
    const href = safeHref(a.path);
    const text = `<code>${escapeHtml(a.path)}</code> ${escapeHtml(a.label)}`;
    return `<li>${href ? `<a href="${escapeHtml(href)}">${text}</a>` : text}</li>`;
  });
  return `<section class="artifacts"><h2>Artifacts</h2><ul>${items.join('')}</ul></section>`;
}

/** One line a person can read for any observation; long values are cut. */
function evidenceText(o: Observation): string {
  const text = ((): string => {
    switch (o.kind) {
      case 'step':
        return `step ${o.phase} ${o.state}${o.message ? `: ${o.message}` : ''}`;
      case 'log':
        return `${o.component} ${o.pod}/${o.container}: ${o.line}`;
      case 'event':
        return `Event ${o.type} ${o.reason} on ${refText(o.object)}${o.count && o.count > 1 ? ` (×${o.count})` : ''}: ${o.message}`;
      case 'condition':
        return `${refText(o.object)}${o.scope ? ` ${o.scope}` : ''}: ${o.type}=${o.status} (${o.reason})${o.message ? ` ${o.message}` : ''}`;
      case 'route':
        return `route ${o.route}: ${o.ok ? 'ok' : 'failed'} ${o.status ?? o.error ?? ''} in ${Math.round(o.latencyMs)} ms`;
      case 'admin':
        return `Admin API ${o.query}: ${JSON.stringify(o.data)}`;
      case 'traffic': {
        const longest = Math.max(0, ...o.outages.map((w) => w.durationMs));
        return `traffic ${o.target}: ${o.ok}/${o.sent} ok (${(o.successRatio * 100).toFixed(2)}%), p99 ${o.latencyMs.p99 ?? '–'} ms, ${o.outages.length} outage(s), longest ${Math.round(longest)} ms`;
      }
      case 'fault':
        return `fault ${o.name}${o.detail ? `: ${o.detail}` : ''}`;
      case 'stream':
        return `stream ${o.stream} ${o.state}${o.message ? `: ${o.message}` : ''}`;
      case 'fact':
        return `fact ${o.name} = ${JSON.stringify(o.value)}`;
      case 'pod-config': {
        if (!o.ready) return `gateway pod ${o.pod}: not Ready`;
        if (o.error !== undefined) return `gateway pod ${o.pod}: ${o.error}`;
        const routes = o.routes.map((r) => `${r.route} ${r.status ?? r.error ?? ''}`).join(', ');
        return `gateway pod ${o.pod}: ${o.configHash === undefined ? 'no configuration hash (DB mode)' : `configuration_hash ${o.configHash}`}${routes ? `; ${routes}` : ''}`;
      }
      case 'kic-push':
        return `KIC ${o.pod}: ${o.error ?? (o.hash === undefined ? 'no successful push yet' : `last successful push ${o.hash}`)}`;
      case 'note':
        return o.message;
    }
  })();
  return text.length > EVIDENCE_TEXT_MAX ? `${text.slice(0, EVIDENCE_TEXT_MAX)}…` : text;
}

function refText(ref: { kind: string; name: string; namespace?: string }): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

interface PhaseSpan {
  phase: Phase;
  start: number;
  end?: number;
  failed: boolean;
  message?: string;
}

/** Each start step paired with the end or fail step of the same phase that follows it. */
function phaseSpans(steps: readonly StepEntry[]): PhaseSpan[] {
  const spans: PhaseSpan[] = [];
  steps.forEach((s, i) => {
    if (s.state !== 'start') return;
    const close = steps.slice(i + 1).find((e) => e.phase === s.phase);
    const closed = close && close.state !== 'start' ? close : undefined;
    spans.push({ phase: s.phase, start: s.at, ...(closed ? { end: closed.at } : {}), failed: closed?.state === 'fail', ...(closed?.message ? { message: closed.message } : {}) });
  });
  return spans;
}

/**
 * The traffic probe's buckets when it ran; otherwise the route checks, bucketed per probe
 * interval. The probe records overlapping entries (5 s windows, then the whole run), so the
 * widest ones that do not overlap are kept: nothing is counted twice.
 */
function throughput(observations: readonly Observation[]): Throughput | undefined {
  const traffic = observations.filter((o): o is TrafficEntry => o.kind === 'traffic');
  if (traffic.length > 0) {
    const chosen: TrafficEntry[] = [];
    for (const e of [...traffic].sort((a, b) => b.to - b.from - (a.to - a.from))) {
      if (!chosen.some((c) => c.from < e.to && e.from < c.to)) chosen.push(e);
    }
    const buckets = chosen.flatMap((e) => e.buckets).sort((a, b) => a.start - b.start);
    const widths = chosen.map((e) => e.buckets).filter((b) => b.length > 1).map((b) => b[1]!.start - b[0]!.start);
    return { source: 'the traffic probe', bucketMs: widths[0] ?? 100, buckets, outages: chosen.flatMap((e) => e.outages).sort((a, b) => a.start - b.start) };
  }
  const routes = observations.filter((o): o is RouteEntry => o.kind === 'route').sort((a, b) => a.at - b.at);
  if (routes.length === 0) return undefined;
  const bucketMs = routeInterval(routes);
  const records = routes.map((r, i): RequestRecord => {
    const error = r.ok ? undefined : ((r.status !== undefined ? statusClass(r.status) : undefined) ?? 'other');
    return { target: i, scheduled: r.at, start: r.at, end: r.at + r.latencyMs, ...(r.status !== undefined ? { status: r.status } : {}), ...(error ? { error } : {}) };
  });
  const from = routes[0]!.at;
  return { source: 'the route checks', bucketMs, buckets: bucketize(records, from, routes.at(-1)!.at + 1, bucketMs), outages: outageWindows(records) };
}

/** The probe interval, read back as the median gap between two checks of the same route. */
function routeInterval(routes: readonly RouteEntry[]): number {
  const last = new Map<string, number>();
  const gaps: number[] = [];
  for (const r of routes) {
    const before = last.get(r.route);
    if (before !== undefined && r.at > before) gaps.push(r.at - before);
    last.set(r.route, r.at);
  }
  if (gaps.length === 0) return DEFAULT_ROUTE_INTERVAL_MS;
  gaps.sort((a, b) => a - b);
  return Math.max(1, Math.round(gaps[Math.floor(gaps.length / 2)]!));
}

function shownBuckets(data: Throughput | undefined, from: number): TrafficBucket[] {
  return data?.buckets.filter((b) => b.start >= from) ?? [];
}

/** How many buckets make one plotted point. */
function binFactor(data: Throughput | undefined, from: number): number {
  return Math.max(1, Math.ceil(shownBuckets(data, from).length / MAX_POINTS));
}

/** Merges runs of `factor` buckets: counts add up, p99 is the worst of them. */
function coarsen(buckets: readonly TrafficBucket[], factor: number): TrafficBucket[] {
  if (factor <= 1) return [...buckets];
  const out: TrafficBucket[] = [];
  for (let i = 0; i < buckets.length; i += factor) {
    const group = buckets.slice(i, i + factor);
    const p99s = group.map((b) => b.p99Ms).filter((p): p is number => p !== null);
    out.push({ start: group[0]!.start, sent: group.reduce((n, b) => n + b.sent, 0), ok: group.reduce((n, b) => n + b.ok, 0), errors: {}, p99Ms: p99s.length ? Math.max(...p99s) : null });
  }
  return out;
}

/**
 * The time span the chart shows: the scenario's phases (steady state to recovery) when there
 * are any, widened to hold every plotted point, outage and symptom after its start; otherwise
 * all of the timeline.
 */
function domainOf(header: RunHeader, observations: readonly Observation[], steps: readonly StepEntry[], data: Throughput | undefined, symptoms: readonly Symptom[]): [number, number] {
  const scenarioSteps = steps.filter((s) => SCENARIO_PHASES.includes(s.phase));
  const times = (scenarioSteps.length ? scenarioSteps : observations).map((o) => o.at);
  if (times.length === 0) return [header.at, header.at + 1000];
  // reduce, not spread: a long run has more entries than a call can take arguments
  const from = times.reduce((a, b) => Math.min(a, b));
  const after = (t: number) => (t >= from ? t : from);
  const ends = [
    ...times,
    ...(data?.buckets.map((b) => after(b.start)) ?? []),
    ...(data?.outages.map((w) => after(w.end)) ?? []),
    ...symptoms.map((s) => after(s.clearedAt ?? s.lastSeen)),
  ];
  const to = ends.reduce((a, b) => Math.max(a, b));
  return [from, to > from ? to : from + 1000];
}

function chartSpec([from, to]: [number, number], steps: readonly StepEntry[], data: Throughput | undefined, judgement: Judgement, zero: number, hasFault: boolean, pods: Lane[]): TimelineSpec {
  const buckets = coarsen(shownBuckets(data, from), binFactor(data, from));
  const maxP99 = Math.max(0, ...buckets.map((b) => b.p99Ms ?? 0));
  const p99Step = niceStep(maxP99 || 1, 4);
  const empty = data ? 'no requests in this span' : 'no traffic was measured';
  const markers: Marker[] = steps.flatMap((s): Marker[] => {
    if (s.state === 'fail') return [{ at: s.at, label: `${s.phase} failed`, className: 'marker-fail' }];
    if (s.phase === 'fault') return [{ at: s.at, label: s.state === 'start' ? 'fault' : 'fault done', className: 'marker-fault' }];
    if (s.phase === 'remediate') return [{ at: s.at, label: s.state === 'start' ? 'remediation' : 'remediation done', className: 'marker-remediate' }];
    return [];
  });
  const strip: Span[] = phaseSpans(steps)
    .filter((p) => (p.end ?? to) >= from && p.start <= to)
    .map((p) => ({ start: p.start, end: p.end ?? to, label: p.phase, className: `phase-${p.phase}${p.failed ? ' failed' : ''}`, title: `${p.phase}${p.failed ? ` failed: ${p.message ?? ''}` : ''}` }));
  const bands: Span[] = (data?.outages ?? [])
    .filter((w) => w.end >= from)
    .map((w) => ({ start: w.start, end: w.end, label: 'outage', className: 'outage', title: `outage ${Math.round(w.durationMs)} ms: ${Object.entries(w.errors).map(([k, n]) => `${k} ×${n}`).join(', ')}` }));
  // a symptom still present is judged so up to the end of the observation window, not beyond
  const judgedUntil = judgement.window?.observedUntil ?? to;
  const symptoms: Lane[] = judgement.symptoms.map((s) => ({
    start: s.firstSeen,
    end: s.clearedAt ?? judgedUntil,
    label: `${s.signature} · ${s.subject}`,
    className: `symptom ${s.clearedAt === undefined ? 'present' : 'cleared'}`,
    title: s.summary,
  }));
  return {
    from,
    to,
    zero,
    axisLabel: hasFault ? 'time from the start of the fault' : 'time from the start of the timeline',
    panels: [
      { title: 'success rate', yMax: 100, formatY: (v) => `${v}%`, empty, series: [{ label: 'success rate', className: 'success', points: buckets.map((b) => ({ t: b.start, v: b.sent ? (b.ok / b.sent) * 100 : null })) }] },
      { title: 'p99 latency', yMax: Math.ceil((maxP99 * 1.05 || 1) / p99Step) * p99Step, formatY: (v) => `${Number(v.toPrecision(6))} ms`, empty, series: [{ label: 'p99 latency', className: 'p99', points: buckets.map((b) => ({ t: b.start, v: b.p99Ms })) }] },
    ],
    bands,
    markers,
    strip,
    lanes: [...symptoms, ...pods],
    lanesTitle: pods.length
      ? 'symptoms, from first seen to cleared (or to the end of the observation window); then each gateway pod (green: agrees, red: diverged, grey: not serving or unread) and what each KIC last pushed'
      : 'symptoms, from first seen to cleared (or to the end of the observation window)',
  };
}

/**
 * One lane per gateway pod, its standing round by round as the judge sees it, and one per KIC
 * instance, a new shade for each new hash it pushed.
 */
function podLanes(observations: readonly Observation[]): Lane[] {
  const byPod = new Map<string, PodStanding[]>();
  for (const round of podStandings(observations)) {
    for (const standing of round) byPod.set(standing.pod, [...(byPod.get(standing.pod) ?? []), standing]);
  }
  const gateways = [...byPod.entries()].map(([pod, standings]) =>
    laneOf(`gateway pod ${pod}`, 'pod', standings.map((s) => ({ at: s.at, key: s.state, className: `pod-${s.state}`, title: s.why }))),
  );
  const kicPods = new Map<string, KicPushEntry[]>();
  for (const o of observations) if (o.kind === 'kic-push') kicPods.set(o.pod, [...(kicPods.get(o.pod) ?? []), o]);
  const kics = [...kicPods.entries()].map(([pod, entries]) => {
    let shade = 0;
    let last: string | undefined;
    return laneOf(
      `KIC ${pod}, last successful push`,
      'kic',
      entries.map((e) => {
        const key = e.error ?? e.hash ?? 'none';
        if (e.hash !== undefined && e.hash !== last) shade = 1 - shade;
        if (e.hash !== undefined) last = e.hash;
        const className = e.hash === undefined ? 'pod-unread' : `kic-push-${shade}`;
        return { at: e.at, key, className, title: e.error ?? (e.hash === undefined ? 'no successful push yet' : `pushed ${e.hash.slice(0, 16)}…`) };
      }),
    );
  });
  return [...gateways, ...kics];
}

/** Runs of the same key become one segment each, from its first reading to the next run's. */
function laneOf(label: string, className: string, points: { at: number; key: string; className: string; title: string }[]): Lane {
  const segments: Span[] = [];
  points.forEach((p, i) => {
    const open = segments.at(-1);
    if (open && points[i - 1]!.key === p.key) open.end = p.at;
    else {
      if (open) open.end = p.at;
      segments.push({ start: p.at, end: p.at, label, className: p.className, title: p.title });
    }
  });
  return { start: points[0]!.at, end: points.at(-1)!.at, label, className, segments };
}

function captionOf(data: Throughput | undefined, from: number): string {
  if (!data) return 'No traffic was measured in this run: neither the traffic probe nor a route check recorded a request.';
  const factor = binFactor(data, from);
  const per = factor > 1 ? `, shown per ${factor * data.bucketMs} ms (p99: the worst ${data.bucketMs} ms interval in each)` : '';
  return `Success rate and p99 latency from ${data.source}, per ${data.bucketMs} ms${per}. Shaded: outages (first to last failed request in a row). Markers: fault and remediation.`;
}

const STYLE = `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d0d7de}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);margin:1.5rem auto;max-width:1000px;padding:0 1rem;line-height:1.4}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
.subtitle{color:var(--muted);margin:0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em}
table{border-collapse:collapse;width:100%}td.time{white-space:nowrap;font-variant-numeric:tabular-nums}th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
.target table{width:auto}.target th{background:#f6f8fa;font-weight:600}
.verdict{display:flex;gap:1rem;align-items:stretch;margin-top:1rem;border:2px solid var(--verdict);border-radius:.5rem;overflow:hidden}
.verdict-badge{background:var(--verdict);color:#fff;font-size:1.6rem;font-weight:700;padding:1rem 1.4rem;display:flex;align-items:center;text-transform:uppercase;letter-spacing:.04em}
.verdict-body{padding:.6rem 0}.verdict-body p{margin:.15rem 0}.reason{font-size:1.05rem}
.expected,.remediation{color:var(--muted)}
svg.timeline{width:100%;height:auto;font-size:11px;font-family:system-ui,sans-serif;display:block}
svg .panel-bg{fill:#fff;stroke:var(--line)}svg .grid{stroke:#eaeef2}svg text{fill:var(--fg)}
svg .y-tick,svg .x-tick,svg .axis-label,svg .lanes-title{fill:var(--muted)}svg .panel-title{font-weight:600}svg .panel-empty{fill:var(--muted);font-style:italic}
svg .x-axis,svg .tick{stroke:var(--muted)}
svg .series{fill:none;stroke-width:1.6;stroke-linejoin:round;stroke-linecap:round}
svg .success{stroke:#1a7f37}svg .p99{stroke:#8250df}svg .legend line{stroke-width:3}
svg .outage{fill:#cf222e;fill-opacity:.14;stroke:#cf222e;stroke-opacity:.35}
svg .marker line{stroke-width:1.4;stroke-dasharray:4 3}svg .marker text{font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:3px}
svg .marker-fault line{stroke:#cf222e}svg .marker-fault text{fill:#cf222e}
svg .marker-remediate line{stroke:#0969da}svg .marker-remediate text{fill:#0969da}
svg .marker-fail line{stroke:#6e7781;stroke-dasharray:none}svg .marker-fail text{fill:#6e7781}
svg .strip rect{fill:#eaeef2;stroke:#fff}svg .strip text{fill:var(--muted);font-size:10px}
svg .strip.phase-fault rect{fill:#ffd8d3}svg .strip.phase-remediate rect,svg .strip.phase-recover rect{fill:#ddf4ff}svg .strip.failed rect{fill:#d0d7de}
svg .lane-bg{fill:#f6f8fa}svg .symptom.present .lane-bar{fill:#cf222e;fill-opacity:.55}svg .symptom.cleared .lane-bar{fill:#bf8700;fill-opacity:.5}
svg .pod-agrees{fill:#1a7f37;fill-opacity:.5}svg .pod-diverged{fill:#cf222e;fill-opacity:.6}svg .pod-not-serving,svg .pod-unread{fill:#8c959f;fill-opacity:.4}
svg .kic-push-0{fill:#0969da;fill-opacity:.45}svg .kic-push-1{fill:#8250df;fill-opacity:.45}
svg .lane text{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:10.5px}svg .strip-label{fill:var(--muted);font-size:10px}
.caption{color:var(--muted);font-size:.85rem;margin:.3rem 0 0}
.symptoms .signature{font-weight:600}.subject{color:var(--muted);font-size:.85rem}span.present,span.failed,tr.failed th{color:#cf222e;font-weight:600}
.summary{margin:0 0 .3rem}
ul.evidence{margin:0;padding-left:1rem;font-size:.85rem}ul.evidence li{margin:.1rem 0}
ul.evidence code{white-space:pre-wrap;word-break:break-all}ul.evidence time{color:var(--muted);font-variant-numeric:tabular-nums}
.none{color:var(--muted)}
.artifacts ul{padding-left:1.2rem}.artifacts a{color:#0969da}
footer{margin:2rem 0 1rem;color:var(--muted);font-size:.8rem}
`;
