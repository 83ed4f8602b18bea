/**
 * The events of one Lua instance's connections, in arrival order, until `cws:eventLoop()` takes
 * them. Four parallel arrays instead of an object per event: a message costs no allocation here.
 */
export const EventKind = { Open: 1, Message: 2, Error: 3, Close: 4 } as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

export type EventValue = string | number | Uint8Array | undefined;

export class EventQueue {
  private kinds: EventKind[] = [];
  private handlers: number[] = [];
  private first: EventValue[] = [];
  private second: EventValue[] = [];
  private head = 0;

  get length(): number {
    return this.kinds.length - this.head;
  }

  push(kind: EventKind, handler: number, a?: EventValue, b?: EventValue): void {
    this.kinds.push(kind);
    this.handlers.push(handler);
    this.first.push(a);
    this.second.push(b);
  }

  /**
   * Calls `take` with the oldest event and removes it; false when empty. The arrays are reset
   * once drained, so they do not grow without end.
   */
  shift(take: (kind: EventKind, handler: number, a: EventValue, b: EventValue) => number): number {
    const i = this.head;
    if (i >= this.kinds.length) return 0;
    const result = take(this.kinds[i]!, this.handlers[i]!, this.first[i], this.second[i]);
    this.first[i] = undefined; // let the payload go
    this.head = i + 1;
    if (this.head === this.kinds.length) {
      this.kinds.length = 0;
      this.handlers.length = 0;
      this.first.length = 0;
      this.second.length = 0;
      this.head = 0;
    }
    return result;
  }

  clear(): void {
    this.kinds.length = 0;
    this.handlers.length = 0;
    this.first.length = 0;
    this.second.length = 0;
    this.head = 0;
  }
}
