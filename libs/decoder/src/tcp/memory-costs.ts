// What the tracker's memory budget charges for each kind of state. The tracker keeps an
// exact running sum of these charges (ConnTracker.memoryUsed); the charges themselves are
// measured, not guessed: bench/attacks measures each attack's peak memory against them
// (bench/README.md), and typed-array tables are charged their exact bytes.

/** Default budget for all connection and reassembly state: sized for a host agent. */
export const DEFAULT_MEMORY_BUDGET_BYTES = 256 * 1024 * 1024;

/**
 * A Connection with its two endpoints and history: ~1,000 bytes measured with
 * per-connection (not interned) address copies, as a flood from random sources makes.
 */
export const CONNECTION_BYTES = 1024;

/** One recorded ladder step (inspect's text format) with its checks. */
export const LADDER_STEP_BYTES = 192;

/** A remembered evicted tuple: the tuple table's arrays (49 bytes) and its share of the chain heads. */
export const EVICTED_ENTRY_BYTES = 57;
