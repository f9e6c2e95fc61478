/**
 * `make bench`: the benchmarks of the parts where the harness itself is the bottleneck — the
 * traffic probe and `diagnose`'s log matching — each printing a table with its goals.
 */
import { benchCorpus, benchDiagnose, benchStartup } from './diagnose.ts';
import { benchProbe } from './probe.ts';

console.log(await benchProbe());
console.log();
console.log(await benchCorpus());
console.log();
console.log(await benchStartup());
console.log();
console.log(await benchDiagnose());
