import { expect } from 'chai';
import { Cleaner } from '../../../harness/runner/cleanup.ts';

describe('runner/cleanup Cleaner', () => {
  it('undoes in reverse order of deferral (LIFO)', async () => {
    const done: string[] = [];
    const c = new Cleaner();
    for (const what of ['cluster', 'postgres', 'helm release']) c.defer(what, async () => void done.push(what));
    expect(await c.run()).to.deep.equal([]);
    expect(done).to.deep.equal(['helm release', 'postgres', 'cluster']);
  });

  it('waits for each step before starting the next', async () => {
    const log: string[] = [];
    const c = new Cleaner();
    c.defer('first', async () => void log.push('first'));
    c.defer('slow', async () => {
      log.push('slow start');
      await new Promise((r) => setTimeout(r, 30));
      log.push('slow end');
    });
    await c.run();
    expect(log).to.deep.equal(['slow start', 'slow end', 'first']);
  });

  it('goes on after a failing step and reports the failure by name with a one-line reason', async () => {
    const done: string[] = [];
    const c = new Cleaner();
    c.defer('delete cluster', async () => void done.push('delete cluster'));
    c.defer('stop postgres', async () => {
      throw new Error('container gone\n  at somewhere');
    });
    c.defer('uninstall kong', async () => void done.push('uninstall kong'));
    const failed = await c.run();
    expect(done).to.deep.equal(['uninstall kong', 'delete cluster']);
    expect(failed).to.deep.equal(['stop postgres: container gone at somewhere']);
  });

  it('reports every step to onStep, with the error for the failed ones', async () => {
    const seen: [string, string | undefined][] = [];
    const c = new Cleaner();
    c.defer('a', async () => {});
    c.defer('b', () => Promise.reject(new Error('boom')));
    await c.run((what, error) => seen.push([what, error]));
    expect(seen).to.deep.equal([
      ['b', 'boom'],
      ['a', undefined],
    ]);
  });

  it('pending() lists what is still to undo, newest first, and is empty after a run', async () => {
    const c = new Cleaner();
    expect(c.pending()).to.deep.equal([]);
    c.defer('cluster', async () => {});
    c.defer('postgres', async () => {});
    c.defer('namespace', async () => {});
    expect(c.pending()).to.deep.equal(['namespace', 'postgres', 'cluster']);
    await c.run();
    expect(c.pending()).to.deep.equal([]);
  });

  it('pending() shrinks while teardown runs, so a second Ctrl-C can say what is left', async () => {
    const c = new Cleaner();
    let midway: string[] = [];
    c.defer('cluster', async () => {});
    c.defer('postgres', async () => {
      midway = c.pending();
    });
    c.defer('namespace', async () => {});
    await c.run();
    expect(midway).to.deep.equal(['cluster']);
  });

  it('runs each step once: a second run does nothing', async () => {
    let count = 0;
    const c = new Cleaner();
    c.defer('x', async () => void count++);
    await c.run();
    await c.run();
    expect(count).to.equal(1);
  });
});
