import { expect } from 'chai';
import { main } from '../../harness/cli/main.ts';

describe('cli', () => {
  it('runs', async () => {
    expect(await main(['list'])).to.equal(0);
  });
});
