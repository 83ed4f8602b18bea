/** One line of the table: ours against a baseline doing the same work, in the same run. */
export interface Row {
  name: string;
  /** Frames or messages per timed call: the unit of ops/s. */
  opsPerCall: number;
  ours: () => void | Promise<void>;
  baseline: () => void | Promise<void>;
  baselineName: string;
  /** After timing: asserts the timed calls did their work. */
  verify?: () => void;
  /** After timing: stops child processes, closes links. */
  teardown?: () => Promise<void>;
}
