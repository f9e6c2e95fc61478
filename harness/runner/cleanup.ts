import { oneLine } from '../errors.ts';

interface Undo {
  what: string;
  run: () => Promise<void>;
}

/**
 * Teardown in reverse order of setup (LIFO), each step on its own so one failure does not leave
 * the rest behind. What could not be undone is reported by name, so the user knows what leaked.
 */
export class Cleaner {
  private readonly stack: Undo[] = [];
  private running: Undo | undefined;

  defer(what: string, run: () => Promise<void>): void {
    this.stack.push({ what, run });
  }

  /** What would still be undone, newest first; printed when a second Ctrl-C cuts teardown short. */
  pending(): string[] {
    return this.stack.map((u) => u.what).reverse();
  }

  /** What is not done yet: the step running now (it may be the one that hangs) and what is pending. */
  unfinished(): string[] {
    return [...(this.running ? [this.running.what] : []), ...this.pending()];
  }

  async run(onStep?: (what: string, error?: string) => void): Promise<string[]> {
    const failed: string[] = [];
    while (this.stack.length) {
      const undo = (this.running = this.stack.pop()!);
      try {
        await undo.run();
        onStep?.(undo.what);
      } catch (error) {
        failed.push(`${undo.what}: ${oneLine(error)}`);
        onStep?.(undo.what, oneLine(error));
      } finally {
        this.running = undefined;
      }
    }
    return failed;
  }
}
