/**
 * Merges JUnit XML documents (one per shard, as mocha-junit-reporter writes them) into one
 * `<testsuites>`: every `<testsuite>` kept as written, the totals summed. The documents are the
 * harness's own, so a tolerant scan of top-level `<testsuite>` elements is enough; `<testsuite>`
 * does not nest in them.
 */
export function mergeJUnit(documents: readonly string[], name = 'kong-chaos'): string {
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  for (const doc of documents) {
    for (const m of doc.matchAll(/<testsuite(?=[\s>/])([^>]*?)(?:\/>|>[\s\S]*?<\/testsuite>)/g)) {
      suites.push(m[0]);
      const attrs = m[1] ?? '';
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) {
        const value = Number(new RegExp(`\\s${key}="([0-9.]+)"`).exec(attrs)?.[1] ?? 0);
        if (Number.isFinite(value)) totals[key] += value;
      }
    }
  }
  const attr = (v: string) => v.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(name)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${totals.time.toFixed(3)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
