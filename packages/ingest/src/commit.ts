/**
 * Tracks records of one stream that finish out of order (bulk requests run concurrently) and says how
 * far the stream is safely stored: the end of the longest run of finished records from the start.
 * A file input commits exactly that offset, so a crash never skips an unacknowledged line.
 */
export class CommitTracker {
  #committed: number;
  readonly #pending: Array<{ end: number; done: boolean }> = [];
  #head = 0;

  constructor(startOffset: number) {
    this.#committed = startOffset;
  }

  /** Registers the next record (in stream order); call the returned function when it is stored. */
  track(end: number): () => void {
    const entry = { end, done: false };
    this.#pending.push(entry);
    return () => {
      entry.done = true;
      this.#advance();
    };
  }

  /** Offset up to which every record is stored. */
  get committed(): number {
    return this.#committed;
  }

  /** Records handed out and not yet stored. */
  get outstanding(): number {
    return this.#pending.length - this.#head;
  }

  #advance(): void {
    while (this.#head < this.#pending.length && (this.#pending[this.#head] as { done: boolean }).done) {
      this.#committed = (this.#pending[this.#head] as { end: number }).end;
      this.#head += 1;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#pending.length) {
      this.#pending.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
