/**
 * pliant: symbolic AutoML for TypeScript.
 *
 * The public surface, one explicit list. Heavy optional parts (TensorFlow.js, BullMQ, ts-morph)
 * are never reached from here.
 *
 * @packageDocumentation
 */

import './builtin-types.js';
export { PliantError } from './base/errors.js';
export type { PliantErrorCode, PliantErrorOptions } from './base/errors.js';
export { Pruned } from './base/pruned.js';
export type { Measurement } from './base/measurement.js';
export { checkOptions, closestName } from './base/options.js';
export { KeyPath, formatKeyPath } from './symbolic/key-path.js';
export type { KeyPathLike, KeySegment } from './symbolic/key-path.js';
export { SymbolicNode, SymbolicType, isNode } from './symbolic/node.js';
export type { Placeholder, SelfValidator, SymbolicTypeDefinition, TreeValue } from './symbolic/node.js';
export { Registry, defaultRegistry } from './symbolic/registry.js';
export { symbolize, nodeSchema } from './symbolic/symbolize.js';
export type { AnySymbolicFactory, ArgsInput, Loose, SymbolicFactory, SymbolizeOptions } from './symbolic/symbolize.js';
export { schemaAt } from './symbolic/validate.js';
export { build } from './symbolic/build.js';
export type { BuildContext, BuildOptions, Built } from './symbolic/build.js';
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
export type { OneOfArgs, OneOfOptions } from './hyper/one-of.js';
export { manyOf, permutate, ManyOf, Permutate } from './hyper/many-of.js';
export type { ManyOfArgs, ManyOfOptions, PermutateArgs } from './hyper/many-of.js';
export { floatv, Floatv } from './hyper/floatv.js';
export type { FloatScale, FloatvArgs, FloatvOptions } from './hyper/floatv.js';
export { intv, Intv } from './hyper/intv.js';
export type { IntvArgs, IntvOptions } from './hyper/intv.js';
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
export { randomDNA, randomFloat, sampleRandom } from './geno/random.js';
export { seededRng } from './base/rng.js';
export type { SampleRandomOptions } from './geno/random.js';
export type { Rng } from './base/rng.js';
export { trace, TracedSpace } from './geno/trace.js';
export type { TraceContext, TracedCandidate } from './geno/trace.js';
export { replayHistory } from './algorithms/algorithm.js';
export type { Algorithm, AlgorithmContext, HistoryEntry, Outcome } from './algorithms/algorithm.js';
export { tpe } from './algorithms/tpe/tpe.js';
export type { PrunedTrials, TpeOptions } from './algorithms/tpe/tpe.js';
export type { OrderedChoices } from './algorithms/tpe/params.js';
export type { Bandwidth } from './algorithms/tpe/parzen.js';
export { gp } from './algorithms/gp/gp.js';
export type { GpOptions } from './algorithms/gp/gp.js';
export { auto, autoPlan } from './algorithms/auto.js';
export type { AutoAlgorithm, AutoOptions, AutoPlan } from './algorithms/auto.js';
export { reinforce } from './algorithms/reinforce.js';
export type { ReinforceAlgorithm, ReinforceOptimizer, ReinforceOptions } from './algorithms/reinforce.js';
export { spaceProfile } from './algorithms/space-profile.js';
export { studyDecisions } from './tuning/study-decisions.js';
export type { StudyDecision, StudyDecisions } from './tuning/study-decisions.js';
export { decisionImportance, MIN_IMPORTANCE_TRIALS } from './report/importance.js';
export type { DecisionImportance, ImportancePoint, ImportanceRanking } from './report/importance.js';
export type { SpaceProfile } from './algorithms/space-profile.js';
export { earlyStopping } from './algorithms/early-stopping/early-stopping.js';
export type { CurveState, EarlyStopping, EarlyStoppingContext, LearningCurve } from './algorithms/early-stopping/early-stopping.js';
export { whenPredictive, WHEN_PREDICTIVE_DEFAULTS } from './algorithms/early-stopping/when-predictive.js';
export type { WhenPredictiveOptions } from './algorithms/early-stopping/when-predictive.js';
export { medianStopping, percentileStopping } from './algorithms/early-stopping/median-stopping.js';
export type { MedianStoppingOptions, PercentileStoppingOptions } from './algorithms/early-stopping/median-stopping.js';
export { asha } from './algorithms/early-stopping/asha.js';
export type { AshaOptions } from './algorithms/early-stopping/asha.js';
export { hyperband } from './algorithms/early-stopping/hyperband.js';
export type { HyperbandOptions, HyperbandPolicy } from './algorithms/early-stopping/hyperband.js';
export { stopByRank, stopByValue } from './algorithms/early-stopping/step-wise.js';
export type { RankGate, ValueGate } from './algorithms/early-stopping/step-wise.js';
export { random } from './algorithms/random-search.js';
export type { RandomSearchOptions } from './algorithms/random-search.js';
export { grid } from './algorithms/grid-search.js';
export { evolution } from './algorithms/evolution/evolution.js';
export type { EvolutionAlgorithm, EvolutionOptions } from './algorithms/evolution/evolution.js';
export { nsga2 } from './algorithms/evolution/nsga2.js';
export type { Nsga2Algorithm, Nsga2Member, Nsga2Options } from './algorithms/evolution/nsga2.js';
export { constrainedDominates, crowdingDistance, dominates, nonDominatedSort } from './algorithms/pareto.js';
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
export { JOURNAL_VERSION } from './storage/storage.js';
export type { JournalEvent, JournalEventType, JournalWarning, OpenStudyOptions, Storage, StudyJournal } from './storage/storage.js';
export { storageFrom } from './storage/storage-from.js';
export { Feedback } from './tuning/feedback.js';
export type { ReportOptions } from './tuning/feedback.js';
export { defaultStudyDir, sample } from './tuning/sample.js';
export type { CandidateOf, SampleOptions } from './tuning/sample.js';
export { search } from './tuning/search.js';
export type { ObjectiveOptions } from './tuning/objectives.js';
export type { SearchOptions } from './tuning/search.js';
export { Result } from './tuning/result.js';
export type { Direction, Report, Trial, TrialState } from './tuning/trial.js';
export { functionalHash, hashProbeOutput, quantize } from './hashing/functional-hash.js';
export type { AsyncProbe, FunctionalHashOptions, Probe, ProbeContext, ProbeOutput } from './hashing/functional-hash.js';
export { FunctionalCache } from './hashing/functional-cache.js';
export type { CacheLookup, CacheStats, FunctionalCacheOptions } from './hashing/functional-cache.js';
export type { Dedupe, DedupeOptions, HashFunction } from './hashing/dedupe.js';
export { isRuleSet, loadRules, rewriteRuleSchema, ruleFileSchema, ruleSet } from './hashing/rewrite-rules.js';
export type { RewriteRule, RuleFile, RuleSet } from './hashing/rewrite-rules.js';
export { DEFAULT_MAX_REWRITES, canonicalize } from './hashing/canonicalize.js';
export type { CanonicalizeOptions, RewriteEvent, RuleSets } from './hashing/canonicalize.js';
export { defaultRules, structuralHash } from './hashing/structural-hash.js';
export type { StructuralHashOptions } from './hashing/structural-hash.js';
export { EMPTY_GRAPH_HASH, edgeCellGraph, graphHash, nasbench101Hash, pruneGraph } from './hashing/graph-hash.js';
export type { CellEdge, CellGraph, EdgeCell, EdgeCellGraphOptions, GraphHashOptions, GraphLabel } from './hashing/graph-hash.js';
export { VERSION } from './version.js';
export { programOps, programOpNames, arithmeticOps, isOpName } from './programs/ops.js';
export type { OpInfo, OpName } from './programs/ops.js';
export { Instruction, Program, isProgram, makeProgram, signatureOf } from './programs/program.js';
export type { InstructionArgs, InstructionRecord, InstructionTuple, ProgramArgs, ProgramSignature, Register } from './programs/program.js';
export { compileProgram, runProgram } from './programs/run.js';
export type { ProgramFunction, ProgramInputs, ProgramOutput } from './programs/run.js';
export { liveInstructions, simplifyProgram } from './programs/simplify.js';
export { programHash } from './programs/program-hash.js';
export { parseProgram, toSource } from './programs/source.js';
export type { ToSourceOptions } from './programs/source.js';
export { mutateProgram, mutateProgramWithInfo, programMutationKinds, randomProgram } from './programs/mutate.js';
export type { ProgramMutation, ProgramMutationKind, ProgramMutationOptions, RandomProgramOptions } from './programs/mutate.js';
export { isProgramDecision, programDecision } from './programs/program-decision.js';
export type { ProgramDecisionOptions } from './programs/program-decision.js';
export { programProbe } from './programs/probe.js';
export type { ProgramProbeOptions } from './programs/probe.js';
export { loadTf, tfBackend } from './tf/load-tf.js';
export type { LoadTfOptions, TfBackendName, TfInfo, TfModule } from './tf/load-tf.js';
export { defineLayer } from './tf/define-layer.js';
export type { LayerDeclaration, LayerFactory } from './tf/define-layer.js';
export type { TfLayer } from './tf/seeds.js';
export { layers } from './tf/layers.js';
export type { ActivationArgs, BaseLayerArgs, ConcatenateArgs, DenseArgs, DropoutArgs, FlattenArgs } from './tf/layers.js';
export type {
  ActivationName,
  InitializerName,
  RegularizerName,
  ConstraintName,
  DataFormat,
  PaddingMode,
  BaseConvArgs,
  Conv1dArgs,
  Conv2dArgs,
  Conv2dTransposeArgs,
  SeparableConv2dArgs,
  DepthwiseConv2dArgs,
} from './tf/layers.js';
export type {
  Pooling1dArgs,
  Pooling2dArgs,
  GlobalPooling2dArgs,
  BatchNormalizationArgs,
  LayerNormalizationArgs,
  EmbeddingArgs,
  BaseRecurrentArgs,
  SimpleRNNArgs,
  GRUArgs,
  LSTMArgs,
  ReshapeArgs,
  PermuteArgs,
  RepeatVectorArgs,
} from './tf/layers.js';
export type {
  ZeroPadding2dArgs,
  UpSampling2dArgs,
  Cropping2DArgs,
  SpatialDropout1dArgs,
  GaussianNoiseArgs,
  GaussianDropoutArgs,
  AlphaDropoutArgs,
  LeakyReLUArgs,
  ReLUArgs,
  ELUArgs,
  SoftmaxArgs,
  PReLUArgs,
  ThresholdedReLUArgs,
  MaskingArgs,
  RescalingArgs,
} from './tf/layers.js';
export { sequential } from './tf/sequential.js';
export type { SequentialArgs } from './tf/sequential.js';
export { graph, input } from './tf/graph.js';
export type { GraphArgs, GraphNode, InputArgs } from './tf/graph.js';
export { optimizers, optimizerTypes } from './tf/optimizers.js';
export type { AdadeltaArgs, AdagradArgs, AdamArgs, AdamaxArgs, MomentumArgs, RmspropArgs, SgdArgs } from './tf/optimizers.js';
export { buildModel } from './tf/build-model.js';
export type { BuildModelOptions } from './tf/build-model.js';
export { disposeModel, train } from './tf/train.js';
export type { EpochMetrics, TensorLike, TrainData, TrainOptions, TrainResult } from './tf/train.js';
export { defineSupernetExpansion, supernet } from './tf/supernet.js';
export type { SupernetExpansion, SupernetExpansionTools, SymbolicTypeRef } from './tf/supernet-expansion.js';
export type { Supernet, SupernetEvaluateOptions, SupernetEvaluation, SupernetMixture, SupernetOptions } from './tf/supernet-types.js';
export { middleDNA, trainSupernet } from './tf/train-supernet.js';
export type { SupernetController, SupernetTrainingMode, TrainSupernetOptions, TrainSupernetResult } from './tf/train-supernet.js';
export { oneShotSearch, supernetObjective } from './tf/supernet-objective.js';
export type {
  OneShotCandidate,
  OneShotSearchOptions,
  OneShotSearchResult,
  OneShotStageEvent,
  SupernetObjectiveOptions,
  SupernetScore,
} from './tf/supernet-objective.js';
export { modelProbe } from './tf/probe.js';
export type { ModelProbeOptions } from './tf/probe.js';
export { countParams, hardwareMetrics, latencyReward, measureLatency } from './tf/hardware.js';
export type { HardwareMetrics, Latency, LatencyOptions, LatencyRewardOptions } from './tf/hardware.js';
export type {
  Evaluation,
  Executor,
  ExecutorSession,
  ObjectiveFunction,
  ObjectiveModule,
  ObjectiveResult,
  ObjectiveSource,
  TrialFeedback,
  TrialReportOptions,
} from './executors/executor.js';
export { inlineExecutor } from './executors/inline-executor.js';
export { threadExecutor } from './executors/thread-executor.js';
export type { ThreadExecutorOptions } from './executors/thread-executor.js';
export { loadObjective } from './executors/objective-module.js';
export { loadStudy } from './tuning/load-study.js';
export type { LoadStudyOptions } from './tuning/load-study.js';
export { annotateFile, annotateSource } from './codemod/annotate.js';
export type { AnnotateOptions, AnnotateResult, AnnotatedDecision } from './codemod/annotate.js';
export type { PackageType } from './codemod/module-block.js';
export { applyFile, applySource, unifiedDiff } from './codemod/apply.js';
export type { AppliedChange, AppliedFile, ApplyOptions, ApplyResult } from './codemod/apply.js';
export { annotationRuleFileSchema, annotationRuleSchema, defaultAnnotationRules, loadAnnotationRules } from './codemod/annotation-rules.js';
export { isOperatorRule, isOptionalRule, isValueRule } from './codemod/annotation-rules.js';
export type {
  AnnotationRule,
  AnnotationRuleFile,
  HyperRecipe,
  LiteralScalar,
  LiteralValue,
  OperatorRule,
  OptionalRule,
  ValueRule,
} from './codemod/annotation-rules.js';
export type { HyperSpec } from './codemod/hyper-spec.js';
export type { SkippedSite } from './codemod/site.js';
export { annotatedModule, candidateValues } from './codemod/candidate-values.js';
export type { AnnotatedExports, AnnotatedModule } from './codemod/candidate-values.js';
export { bullmqExecutor } from './executors/bullmq-executor.js';
export type { BullmqExecutorOptions } from './executors/bullmq-executor.js';
export { startQueueWorker } from './executors/queue-worker.js';
export type { QueueWorker, QueueWorkerOptions } from './executors/queue-worker.js';
export type { ExecutorContext } from './executors/executor.js';
export { redisStorage, redisStudyNames } from './storage/redis-storage.js';
export type { RedisStorageOptions } from './storage/redis-storage.js';
export { exportStudy } from './storage/export-journal.js';
export type { ExportStudyOptions } from './storage/export-journal.js';
export { renderReport, writeReport } from './report/html-report.js';
export type { HtmlReportOptions, WriteReportOptions } from './report/html-report.js';
export { reportData, REPORT_STATUSES } from './report/report-data.js';
export type { DecisionValue, ReportData, ReportDecision, ReportObjective, ReportStatus, ReportStep, ReportTrial } from './report/report-data.js';
export { reportSpecs, STATUS_COLORS } from './report/report-specs.js';
export type { ReportPlot, VegaLiteSpec } from './report/report-specs.js';
export { renderSvg } from './report/render-svg.js';
export { serveReport } from './report/report-server.js';
export type { ReportServer, ReportServerOptions } from './report/report-server.js';
