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
export type { Rng, SampleRandomOptions } from './geno/random.js';
export { trace, TracedSpace } from './geno/trace.js';
export type { TraceContext, TracedCandidate } from './geno/trace.js';
export { replayHistory } from './algorithms/algorithm.js';
export type { Algorithm, AlgorithmContext, HistoryEntry } from './algorithms/algorithm.js';
export { random } from './algorithms/random-search.js';
export type { RandomSearchOptions } from './algorithms/random-search.js';
export { grid } from './algorithms/grid-search.js';
export { evolution } from './algorithms/evolution/evolution.js';
export type { EvolutionAlgorithm, EvolutionOptions } from './algorithms/evolution/evolution.js';
export { regularizedEvolution } from './algorithms/evolution/regularized-evolution.js';
export type { RegularizedEvolutionOptions } from './algorithms/evolution/regularized-evolution.js';
export { hillClimb } from './algorithms/evolution/hill-climb.js';
export type { HillClimbOptions } from './algorithms/evolution/hill-climb.js';
export { customMutator, swapMutator, uniformMutator } from './algorithms/evolution/mutators.js';
export type { Mutator } from './algorithms/evolution/mutators.js';
export { averageFloats, cycleCrossover, kPointCrossover, orderCrossover, pmxCrossover, uniformCrossover } from './algorithms/evolution/recombinators.js';
export type { Recombinator } from './algorithms/evolution/recombinators.js';
export { bottom, first, last, pipe, proportional, randomSelector, top, tournament } from './algorithms/evolution/selectors.js';
export type { Member, Selector } from './algorithms/evolution/selectors.js';
export { memoryStorage } from './storage/memory-storage.js';
export { journalStorage } from './storage/journal-storage.js';
export type { JournalStorageOptions } from './storage/journal-storage.js';
export { journalEventSchema } from './storage/journal-event-schema.js';
export type { JournalEvent, Measurement, Storage, StudyJournal } from './storage/storage.js';
export { Feedback } from './tuning/feedback.js';
export type { ReportOptions } from './tuning/feedback.js';
export { defaultStudyDir, sample } from './tuning/sample.js';
export type { SampleOptions } from './tuning/sample.js';
export { search } from './tuning/search.js';
export type { SearchOptions } from './tuning/search.js';
export { Result } from './tuning/result.js';
export type { Direction, Report, Trial, TrialState } from './tuning/trial.js';
export { VERSION } from './version.js';
