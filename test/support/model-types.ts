/** Symbolic types shared by the symbolic-core tests: a small model-building vocabulary. */
import { z } from 'zod';
import { nodeSchema, symbolize } from '../../src/index.js';
import type { SymbolicNode } from '../../src/index.js';

export interface ConvArgs {
  filters: number;
  kernel: number;
  act?: string;
}

export const Conv = symbolize('test.Conv', (a: ConvArgs) => ({ kind: 'conv', ...a }), {
  schema: z.object({ filters: z.number().int().positive(), kernel: z.number().int().positive(), act: z.string().default('relu') }),
});

export const Dense = symbolize('test.Dense', (a: { units: number; act?: string }) => ({ kind: 'dense', ...a }), {
  schema: z.object({ units: z.number().int().positive(), act: z.string().default('relu') }),
});

export const Net = symbolize(
  'test.Net',
  (a: { stem: SymbolicNode; blocks: string[]; depth: number; dropout?: number; extras?: Record<string, unknown> }) => ({ kind: 'net', ...a }),
  {
    schema: z.object({
      stem: nodeSchema(Conv, Dense),
      blocks: z.array(z.string()),
      depth: z.number().int().min(1),
      dropout: z.number().min(0).max(1).default(0),
      extras: z.record(z.string(), z.unknown()).optional(),
    }),
  },
);

export const Adam = symbolize('test.Adam', (a: { lr: number; beta1?: number }) => ({ kind: 'adam', ...a }), {
  schema: z.object({ lr: z.number().positive(), beta1: z.number().default(0.9) }),
});

export const Experiment = symbolize(
  'test.Experiment',
  (a: { model: SymbolicNode; optimizer: SymbolicNode; batchSize: number }) => ({ kind: 'experiment', ...a }),
  { schema: z.object({ model: nodeSchema(Net), optimizer: nodeSchema(Adam), batchSize: z.number().int() }) },
);

/** A free-form type without a schema (any arguments). */
export const Free = symbolize('test.Free', (a: Record<string, unknown>) => a);

/** A small experiment tree. */
export function experiment(kernel = 3): SymbolicNode {
  return Experiment({
    model: Net({ stem: Conv({ filters: 32, kernel }), blocks: ['conv3x3', 'maxpool'], depth: 2 }),
    optimizer: Adam({ lr: 0.001 }),
    batchSize: 64,
  });
}
