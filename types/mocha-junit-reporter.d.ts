declare module 'mocha-junit-reporter' {
  import type Mocha from 'mocha';
  export default class JUnitReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options?: { reporterOptions?: Record<string, unknown> });
  }
}
