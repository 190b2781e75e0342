// Seeds and run counts of the fuzz suites.
//   FUZZ_SEED=<n>    replay: every property of a run uses this seed (printed at the start of each)
//   FUZZ_RUNS=<x>    multiplies every property's number of runs (default 1; 10 for a long run,
//                    0.05 for a smoke run)
// A failing property also prints fast-check's own seed and path in its error message.

function readSeed(): number {
  const text = process.env.FUZZ_SEED;
  if (text !== undefined && text.trim() !== '') {
    const seed = Number(text);
    if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${JSON.stringify(text)}`);
    return seed | 0;
  }
  // fast-check takes 32-bit seeds: keep the printed seed equal to the one used.
  return (Date.now() % 0x7fffffff) | 0;
}

function readScale(): number {
  const text = process.env.FUZZ_RUNS;
  if (text === undefined || text.trim() === '') return 1;
  const scale = Number(text);
  if (!(scale > 0)) throw new Error(`FUZZ_RUNS must be a positive number (a multiplier of the default runs), got ${JSON.stringify(text)}`);
  return scale;
}

export const FUZZ_SEED = readSeed();
export const FUZZ_SCALE = readScale();

/** The number of runs of a property whose default is `defaultRuns`, scaled by FUZZ_RUNS. */
export function runs(defaultRuns: number): number {
  return Math.max(1, Math.round(defaultRuns * FUZZ_SCALE));
}

/** Prints how to replay a property, and returns the fast-check parameters for it. */
export function fuzzParams(property: string, numRuns: number): { seed: number; numRuns: number } {
  console.log(`[fuzz] ${property}: seed=${FUZZ_SEED} numRuns=${numRuns} (replay: FUZZ_SEED=${FUZZ_SEED}${FUZZ_SCALE !== 1 ? ` FUZZ_RUNS=${FUZZ_SCALE}` : ''})`);
  return { seed: FUZZ_SEED, numRuns };
}
