import { expect } from 'chai';
import fc from 'fast-check';
import { requiredClauses, requiredWords } from '../../../harness/diagnose/literals.ts';
import { logMessage } from '../../../harness/judge/log-message.ts';
import pluginIdDrift from '../../../scenarios/plugin-id-drift.ts';

const logPattern = (id: string): RegExp => {
  const s = pluginIdDrift.signatures.find((sig) => sig.id === id);
  if (s?.kind !== 'log') throw new Error(`no log signature ${id}`);
  return s.pattern;
};

describe('diagnose: required words of a signature pattern', () => {
  it('takes the longest word that JSON escaping cannot change', () => {
    // the phrase around it is split at spaces and quotes, which wrappers may rewrite
    expect(requiredWords(logPattern('plugin-cache-key-violation'))).to.deep.equal(['plugins_cache_key_key']);
  });

  it('prefers a rarer word to one every healthy log is full of, never a word shorter than three letters', () => {
    expect(requiredWords(/posting new config to \/config: 400 Bad Request .*"invalid declarative configuration"/)).to.deep.equal(['declarative']);
    expect(requiredWords(/configuration hash mismatch/)).to.deep.equal(['mismatch']);
    expect(requiredWords(/failed to go/)).to.deep.equal(['failed']);
  });

  it('keeps the words common to every branch of an alternation as clauses of their own', () => {
    const clauses = requiredClauses(/failed updating gateway entity.*plugin|plugin.*failed updating gateway entity/i).map((c) => c.join('|'));
    expect(clauses).to.include.members(['failed', 'updating', 'gateway', 'entity', 'plugin']);
  });

  it('needs one word of each branch when branches share nothing', () => {
    expect(requiredClauses(/connection refused|no route to host/)).to.deep.equal([['connection', 'route']]);
  });

  it('drops optional parts and needs nothing from a pattern without literals', () => {
    expect(requiredClauses(/abc(?:defgh)?x*y/)).to.deep.equal([['abc'], ['y']]);
    expect(requiredWords(/\d+\s\w+/)).to.equal(undefined);
    expect(requiredWords(/(?:timeout|)/)).to.equal(undefined);
  });

  it('treats escapes as the characters they stand for, and a group with + as required', () => {
    expect(requiredWords(/server_version_num\./)).to.deep.equal(['server_version_num.']);
    expect(requiredClauses(/(?:retrying)+ now/).flat()).to.include.members(['retrying', 'now']);
  });

  it('needs the words of a positive lookaround, and nothing from a negative one', () => {
    expect(requiredClauses(/failed(?=.*kind\W{0,4}plugin\b)/)).to.deep.equal([['failed'], ['kind'], ['plugin']]);
    expect(requiredClauses(/(?<=level=)error(?!.*retrying)(?<!warn)/)).to.deep.equal([['level'], ['error']]);
    // so a 409 on a consumer, the commonest near-miss of a plugin conflict, is never unwrapped
    const consumer409 = '{"level":"error","msg":"failed updating gateway entity","action":"update","kind":"consumer","name":"alice","error":"HTTP status 409"}';
    expect(requiredClauses(logPattern('kic-plugin-update-failed')).every((c) => c.some((w) => consumer409.includes(w)))).to.equal(false);
  });

  it('is sound: whenever a pattern matches a line or its unwrapped message, every clause has a word in the raw line', () => {
    const patterns = [logPattern('plugin-cache-key-violation'), logPattern('kic-plugin-update-failed'), /Reconciler error.*Service "[^"]+-kong-proxy" not found/, /run 'kong migrations up'/];
    const fragments = ['failed updating gateway entity', 'plugin', 'kind', 'duplicate key value violates unique constraint "plugins_cache_key_key"', 'Reconciler error', 'Service "kong-cp-kong-proxy" not found', ' ', '"', '\\', '=', "'", '\u201c', '\u2019', '\\n', '\\t', 'run \u2018kong migrations up\u2019'];
    const jsonLine = fc.record({ msg: fc.array(fc.constantFrom(...fragments)).map((a) => a.join(' ')), action: fc.constantFrom('update', 'create'), kind: fc.constantFrom('plugin', 'consumer'), error: fc.array(fc.constantFrom(...fragments)).map((a) => a.join('')) }).map((r) => JSON.stringify(r));
    const textLine = fc.array(fc.constantFrom(...fragments)).map((a) => a.join(' '));
    fc.assert(
      fc.property(fc.oneof(jsonLine, textLine), (line) => {
        for (const p of patterns) {
          if (!(p.test(line) || p.test(logMessage(line)))) continue;
          const haystack = p.ignoreCase ? line.toLowerCase() : line;
          for (const clause of requiredClauses(p)) expect(clause.some((w) => haystack.includes(p.ignoreCase ? w.toLowerCase() : w)), `${p} on ${line}`).to.equal(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
