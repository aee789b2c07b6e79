/**
 * pliant: symbolic AutoML for TypeScript.
 *
 * The public surface, one explicit list. Heavy optional parts (TensorFlow.js, BullMQ, ts-morph)
 * are never reached from here.
 *
 * @packageDocumentation
 */

export { PliantError } from './symbolic/errors.js';
export type { PliantErrorCode, PliantErrorOptions } from './symbolic/errors.js';
export { KeyPath, formatKeyPath } from './symbolic/key-path.js';
export type { KeyPathLike, KeySegment } from './symbolic/key-path.js';
export { SymbolicNode, SymbolicType, isNode } from './symbolic/node.js';
export type { Placeholder, SelfValidator, SymbolicTypeDefinition, TreeValue } from './symbolic/node.js';
export { Registry, defaultRegistry } from './symbolic/registry.js';
export { symbolize, nodeSchema } from './symbolic/symbolize.js';
export type { AnySymbolicFactory, ArgsInput, Loose, SymbolicFactory, SymbolizeOptions } from './symbolic/symbolize.js';
export { schemaAt } from './symbolic/validate.js';
export { build } from './symbolic/build.js';
export type { Built } from './symbolic/build.js';
export { get, has } from './symbolic/get.js';
export { rebind } from './symbolic/rebind.js';
export type { RebindRecipe, RebindUpdates } from './symbolic/rebind.js';
export { query } from './symbolic/query.js';
export type { QueryOptions } from './symbolic/query.js';
export { traverse } from './symbolic/traverse.js';
export type { TraverseSignal, TraverseVisitor } from './symbolic/traverse.js';
export { clone } from './symbolic/clone.js';
export { eq } from './symbolic/eq.js';
export { hash } from './symbolic/hash.js';
export { diff } from './symbolic/diff.js';
export type { Difference } from './symbolic/diff.js';
export { toJSON, toJSONString, fromJSON, fromJSONString } from './symbolic/json.js';
export type { FromJSONOptions, JsonValue } from './symbolic/json.js';
export { format } from './symbolic/format.js';
export type { FormatOptions } from './symbolic/format.js';
export { oneOf, OneOf } from './hyper/one-of.js';
export type { OneOfArgs } from './hyper/one-of.js';
export { manyOf, permutate, ManyOf, Permutate } from './hyper/many-of.js';
export type { ManyOfArgs, ManyOfOptions, PermutateArgs } from './hyper/many-of.js';
export { floatv, Floatv } from './hyper/floatv.js';
export type { FloatScale, FloatvArgs, FloatvOptions } from './hyper/floatv.js';
export { intv, Intv } from './hyper/intv.js';
export type { IntvArgs } from './hyper/intv.js';
export { isHyper, hyperKind } from './hyper/hyper-value.js';
export { defineDecision, evolvable, decisionDefinition } from './hyper/custom.js';
export type { CustomArgs, CustomOptions, DecisionDefinition, Mutation, RandomSource } from './hyper/custom.js';
export type { HyperKind, HyperOptions, ValueOf } from './hyper/hyper-value.js';
export { DNA } from './geno/dna.js';
export type { DNAJson, DNALiteral, DNAValue } from './geno/dna.js';
export { DNASpec } from './geno/dna-spec.js';
export type { ChoiceDecision, CustomDecision, DecisionPoint, FloatDecision, IntDecision, SpaceSpec } from './geno/dna-spec.js';
export { Template, dnaSpec, encode, materialize, prepare } from './geno/template.js';
export type { Concrete, Decisions } from './geno/template.js';
export { iterate, iterateDNA } from './geno/iterate.js';
export type { IterateOptions } from './geno/iterate.js';
export { randomDNA, randomFloat, sampleRandom, seededRng } from './geno/random.js';
export type { Rng, SampleOptions } from './geno/random.js';
export { trace, TracedSpace } from './geno/trace.js';
export type { TraceContext, TracedCandidate } from './geno/trace.js';
export { VERSION } from './version.js';
