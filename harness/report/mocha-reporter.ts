import Mocha from 'mocha';
import JUnitReporter from 'mocha-junit-reporter';

/**
 * Mocha takes one reporter per run; a run of kong-chaos wants two at once: the spec reporter on
 * the console and a JUnit XML file for CI. This reporter attaches both to the same runner.
 */
export class ConsoleAndJUnitReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions & { reporterOptions?: { junitFile: string } }) {
    super(runner, options);
    new Mocha.reporters.Spec(runner, options);
    new JUnitReporter(runner, { reporterOptions: { mochaFile: options.reporterOptions?.junitFile ?? 'junit.xml', testsuitesTitle: 'kong-chaos' } });
  }
}
