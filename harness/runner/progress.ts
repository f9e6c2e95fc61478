import yoctoSpinner from 'yocto-spinner';

export interface Progress {
  phase(name: string, state: 'start' | 'end' | 'fail', elapsedMs: number, message?: string): void;
  info(message: string): void;
  warn(message: string): void;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Live progress on stderr (stdout stays for results): each phase with its elapsed time, and a
 * spinner while a phase runs, only on a TTY, so CI logs get plain lines.
 */
export function consoleProgress(prefix: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = Boolean(stream.isTTY) && !process.env['CI'];
  let spinner: ReturnType<typeof yoctoSpinner> | undefined;
  let current = '';
  const line = (text: string) => {
    if (spinner) spinner.clear();
    stream.write(`${text}\n`);
    if (spinner) spinner.text = current;
  };
  return {
    phase(name, state, elapsedMs, message) {
      if (state === 'start') {
        current = `${prefix} ${name}…`;
        if (tty) spinner = yoctoSpinner({ text: current, stream }).start();
        else line(`${prefix} ▶ ${name}`);
        return;
      }
      spinner?.stop();
      spinner = undefined;
      line(state === 'end' ? `${prefix} ✔ ${name} (${seconds(elapsedMs)})` : `${prefix} ✖ ${name} failed after ${seconds(elapsedMs)}: ${message ?? ''}`);
    },
    info: (message) => line(`${prefix}   ${message}`),
    warn: (message) => line(`${prefix} ! ${message}`),
  };
}
