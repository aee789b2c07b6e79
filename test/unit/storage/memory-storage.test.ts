import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../../src/storage/memory-storage.js';
import { storageContract, trial } from './storage-contract.js';

storageContract('memoryStorage', () => memoryStorage());

describe('memoryStorage', () => {
  it('describes itself as memory', () => {
    expect(memoryStorage().description).toBe('memory');
  });

  it('gives each storage its own studies', async () => {
    const one = await memoryStorage().open('s');
    await one.append(trial('x'));
    const other = await memoryStorage().open('s');
    expect(other.events).toEqual([]);
  });
});
