/**
 * The main job until the search loop lands: describe a model as a symbolic tree, change it with
 * rebind, and look at what changed. Run with `npm start`.
 */
import { z } from 'zod';
import { diff, format, fromJSONString, get, hash, nodeSchema, rebind, symbolize, toJSONString, build, eq } from 'pliant';

// Ordinary functions that take one options object become symbolic factories.
const Conv = symbolize('demo.Conv', (a: { filters: number; kernel: number; act?: string }) => `conv${a.kernel}x${a.kernel}/${a.filters}/${a.act}`, {
  schema: z.object({ filters: z.number().int().positive(), kernel: z.number().int().positive(), act: z.string().default('relu') }),
});
const Dense = symbolize('demo.Dense', (a: { units: number }) => `dense/${a.units}`, {
  schema: z.object({ units: z.number().int().positive() }),
});
const Sequential = symbolize('demo.Sequential', (a: { layers: string[] }) => a.layers.join(' -> '), {
  schema: z.object({ layers: z.array(nodeSchema(Conv, Dense)) }),
});
const Adam = symbolize('demo.Adam', (a: { lr: number }) => `adam(${a.lr})`, { schema: z.object({ lr: z.number().positive() }) });
const Trainer = symbolize('demo.Trainer', (a: { model: string; optimizer: string; epochs: number }) => `${a.model} | ${a.optimizer} | ${a.epochs} epochs`, {
  schema: z.object({ model: nodeSchema(Sequential), optimizer: nodeSchema(Adam), epochs: z.number().int() }),
});

const trainer = Trainer({
  model: Sequential({ layers: [Conv({ filters: 32, kernel: 3 }), Conv({ filters: 64, kernel: 3 }), Dense({ units: 10 })] }),
  optimizer: Adam({ lr: 1e-3 }),
  epochs: 5,
});

console.log('the symbolic tree:');
console.log(format(trainer, { indent: 2 }));

const wider = rebind(trainer, { 'model.layers[1].filters': 128, 'model.layers[1].kernel': 5, 'optimizer.lr': 3e-4 });
console.log('\nafter rebind:');
console.log(format(wider, { indent: 2 }));
console.log('\nwhat changed:');
for (const d of diff(trainer, wider)) console.log(`  ${d.path}: ${String(d.left)} -> ${String(d.right)}`);

console.log('\noriginal untouched:', get(trainer, 'model.layers[1].filters') === 64);
console.log('hashes:', hash(trainer), hash(wider));
console.log('JSON round trip exact:', eq(fromJSONString(toJSONString(wider)), wider));
console.log('built:', build(wider));

try {
  rebind(wider, 'model.layers[0].kernel', 'three');
} catch (error) {
  console.log('\na bad rebind is refused:', (error as Error).message);
}
