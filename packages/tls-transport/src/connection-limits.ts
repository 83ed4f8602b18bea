/** Why a connection over a cap was handed to `onReject` instead of `onConnection`. */
export type RejectReason = 'max-connections' | 'max-per-address';

/**
 * Counts admitted connections, in total and per remote address. A rejected connection is not
 * counted, so a burst of rejected peers cannot lock out the next admitted one.
 */
export class ConnectionLimits {
  readonly #maxConnections: number;
  readonly #maxPerAddress: number;
  #total = 0;
  // Entries are deleted at zero: a map keyed by every address ever seen would grow without bound.
  readonly #perAddress = new Map<string, number>();

  constructor(maxConnections: number, maxPerAddress: number) {
    this.#maxConnections = maxConnections;
    this.#maxPerAddress = maxPerAddress;
  }

  get total(): number {
    return this.#total;
  }

  /** Counts the connection and returns `undefined`, or returns why it is over a cap (not counted). */
  admit(address: string): RejectReason | undefined {
    if (this.#total >= this.#maxConnections) return 'max-connections';
    const fromAddress = this.#perAddress.get(address) ?? 0;
    if (fromAddress >= this.#maxPerAddress) return 'max-per-address';
    this.#total++;
    this.#perAddress.set(address, fromAddress + 1);
    return undefined;
  }

  release(address: string): void {
    const fromAddress = this.#perAddress.get(address);
    if (fromAddress === undefined) return;
    this.#total--;
    if (fromAddress <= 1) this.#perAddress.delete(address);
    else this.#perAddress.set(address, fromAddress - 1);
  }
}
