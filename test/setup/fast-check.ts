/**
 * Property tests explore new inputs on every developer run; under CI they replay one fixed seed, so
 * a landing is judged on the same cases each time. A failure prints its seed and counterexample;
 * `HARDPOD_FC_SEED` replays another seed.
 */
import * as fc from 'fast-check';

const seed = process.env.HARDPOD_FC_SEED ?? (process.env.CI ? '20261123' : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
