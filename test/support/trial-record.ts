import { DNA } from '../../src/geno/dna.js';
import type { Trial } from '../../src/tuning/trial.js';

/** A completed trial record for table and progress tests: number `number`, value `value`, 1.5 s long. */
export function trialRecord(number: number, value: Trial['value'], extra: Partial<Trial> = {}): Trial {
  return {
    id: `t${number}`,
    number,
    state: 'completed',
    dna: new DNA(0),
    candidate: {},
    reports: [],
    value,
    metrics: undefined,
    error: undefined,
    started: 0,
    ended: 1500,
    owner: 'x',
    hash: undefined,
    cached: false,
    ...extra,
  } as Trial;
}
