/**
 * The calls waiting for a response, oldest first. LAppS responses carry no id: the server answers
 * on channel 0 in request order, so the first response belongs to the oldest call. A call that
 * timed out keeps its place (marked `settled`) until its late response arrives and is dropped;
 * removing it would hand that late response to the next call.
 */
export interface PendingCall {
  resolve(result: unknown[]): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout> | undefined;
  settled: boolean;
}

export class PendingCalls {
  #queue: (PendingCall | undefined)[] = [];
  /** Index of the oldest call: shifting an array is O(n), moving an index is not. */
  #head = 0;

  get size(): number {
    return this.#queue.length - this.#head;
  }

  push(call: PendingCall): void {
    this.#queue.push(call);
  }

  /** Removes and returns the oldest call, or `undefined` when none is waiting. */
  shift(): PendingCall | undefined {
    if (this.#head >= this.#queue.length) return undefined;
    const call = this.#queue[this.#head];
    this.#queue[this.#head++] = undefined;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    }
    return call;
  }

  /** Removes every call, oldest first, for rejecting them all. */
  drain(): PendingCall[] {
    const calls = this.#queue.slice(this.#head) as PendingCall[];
    this.#queue = [];
    this.#head = 0;
    return calls;
  }
}
