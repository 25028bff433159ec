/**
 * SIGINT and SIGTERM for the whole of `vigil up`, from its start: the first asks for a clean stop
 * (`requested` resolves), a repeated one calls `onRepeat` (kill now). The children run in process
 * groups of their own, so a terminal's Ctrl-C reaches only `vigil up`, which then stops each child
 * once, in order.
 */
export class StopSignals {
  readonly requested: Promise<NodeJS.Signals>;
  /** The first signal received, if any. */
  signal: NodeJS.Signals | undefined;
  /** Called on every signal after the first. */
  onRepeat: (() => void) | undefined;
  #resolve!: (signal: NodeJS.Signals) => void;
  readonly #handler = (signal: NodeJS.Signals) => {
    if (this.signal === undefined) {
      this.signal = signal;
      this.#resolve(signal);
    } else this.onRepeat?.();
  };

  constructor() {
    this.requested = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    process.on('SIGINT', this.#handler);
    process.on('SIGTERM', this.#handler);
  }

  /** Removes the handlers (the command is over). */
  dispose(): void {
    process.off('SIGINT', this.#handler);
    process.off('SIGTERM', this.#handler);
  }
}
