/** The fixed MNIST split of examples/mnist/data.ts, which the CNN and NAS-Bench-201 tests train on. */
import { describe, expect, it } from 'vitest';
import { mnistArrays } from '../../../examples/mnist/data.js';

const perClass = (labels: Uint8Array): number[] => Array.from({ length: 10 }, (_v, d) => labels.filter((x) => x === d).length);

describe('examples/mnist/data', () => {
  it('splits the 10,000 digits 8,000 / 2,000, stratified, the same way every time', () => {
    const { train, test } = mnistArrays();
    expect([train.count, test.count]).toEqual([8000, 2000]);
    expect([train.images.length, test.images.length]).toEqual([8000 * 784, 2000 * 784]);
    // 80% of each digit (the package has 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978)
    expect(perClass(train.labels)).toEqual([801, 902, 793, 826, 784, 690, 811, 856, 755, 782]);
    expect(perClass(test.labels)).toEqual([200, 225, 198, 206, 196, 173, 203, 214, 189, 196]);
    // a seeded permutation, not Math.random: fixed first labels; the last 1,000 (validation) mixed
    expect(Array.from(train.labels.slice(0, 12))).toEqual([3, 9, 5, 8, 0, 3, 1, 3, 4, 1, 7, 3]);
    expect(Array.from(test.labels.slice(0, 12))).toEqual([2, 7, 4, 2, 6, 9, 6, 7, 7, 0, 8, 6]);
    expect(perClass(train.labels.slice(7000)).every((n) => n >= 70 && n <= 130)).toBe(true);
    expect(train.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(mnistArrays()).toBe(mnistArrays()); // read once per process
  });
});
