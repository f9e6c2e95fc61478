import { expect } from 'chai';
import { checkTable, expectationFor, type ExpectationTable } from '../../../harness/judge/expectations.ts';
import { verdictOf } from '../../../harness/judge/verdict.ts';

const table: ExpectationTable = { '<=3.4.3': 'reproduced', '>=3.4.4': ['recovered', 'not-reproduced'] };

describe('judge: expectations and verdicts', () => {
  it('picks the rule whose range holds the version', () => {
    expect(expectationFor({ ...table }, '3.4.3')).to.deep.equal({ range: '<=3.4.3', accepted: ['reproduced'] });
    expect(expectationFor({ ...table }, '3.5.13')?.range).to.equal('>=3.4.4');
    expect(expectationFor({ '3.4.5': 'reproduced' }, '3.4.6')).to.equal(undefined);
    expect(expectationFor({ '*': 'observe' }, '3.4.5')).to.deep.equal({ range: '*', accepted: 'observe' });
  });

  it('refuses ranges semver cannot read', () => {
    expect(checkTable({ '>=3.4.4': 'recovered', 'three point four': 'reproduced' })).to.deep.equal(['"three point four" is not a semver range']);
  });

  it('maps outcome against expectation to a verdict', () => {
    const old = expectationFor({ ...table }, '3.4.3');
    const fixed = expectationFor({ ...table }, '3.4.4');
    expect(verdictOf(old, 'reproduced')).to.equal('pass');
    expect(verdictOf(old, 'recovered')).to.equal('fixed');
    expect(verdictOf(old, 'not-reproduced')).to.equal('fixed');
    expect(verdictOf(fixed, 'recovered')).to.equal('pass');
    expect(verdictOf(fixed, 'reproduced')).to.equal('regression');
    expect(verdictOf(expectationFor({ '*': 'not-reproduced' }, '1.0.0'), 'recovered')).to.equal('regression');
    expect(verdictOf(fixed, 'inconclusive')).to.equal('error');
    expect(verdictOf(expectationFor({ '*': 'observe' }, '1.0.0'), 'reproduced')).to.equal('observed');
    expect(verdictOf(undefined, 'reproduced')).to.equal('observed');
  });
});
