/**
 * Helpers for the early-stopping tests: curve builders, a simulated trial loop that reveals one
 * report at a time in a given interleaving, and fast-check arbitraries of planned curves.
 */
import fc from 'fast-check';
import type { CurveState, EarlyStopping, LearningCurve } from '../../../../src/algorithms/early-stopping/early-stopping.js';

/** A curve from `[step, reward]` pairs. */
export function curve(number: number, state: CurveState, points: readonly (readonly [number, number])[]): LearningCurve {
  return { number, state, steps: points.map((p) => p[0]), rewards: points.map((p) => p[1]) };
}

/** A curve reporting `rewards` at steps 1, 2, 3, ... */
export function seq(number: number, state: CurveState, rewards: readonly number[]): LearningCurve {
  return { number, state, steps: rewards.map((_, i) => i + 1), rewards: [...rewards] };
}

/** What a trial would report if never stopped. */
export interface Plan {
  readonly steps: readonly number[];
  readonly rewards: readonly number[];
}

/** One decision of the simulated loop. */
export interface Decision {
  /** Index (= number) of the trial that reported. */
  readonly trial: number;
  /** The trial's curve right after the report. */
  readonly curve: LearningCurve;
  /** Every started trial's curve right after the report (the asking one included, same object). */
  readonly study: readonly LearningCurve[];
  readonly stop: boolean;
}

/**
 * Runs the loop: `order` is a sequence of trial indices; each pick reveals that trial's next
 * planned report (skipped when the trial was stopped or has no more reports) and asks the policy.
 * A trial stops (state 'pruned') when told to; one whose last report is not stopped completes.
 */
export function simulate(policy: EarlyStopping, plans: readonly Plan[], order: readonly number[]): { decisions: Decision[]; curves: LearningCurve[] } {
  const curves: (LearningCurve | undefined)[] = plans.map(() => undefined);
  const decisions: Decision[] = [];
  for (const t of order) {
    const plan = plans[t];
    if (plan === undefined) continue;
    const current = curves[t];
    if (current !== undefined && current.state !== 'running') continue;
    const n = current === undefined ? 0 : current.steps.length;
    if (n >= plan.steps.length) continue;
    const running: LearningCurve = { number: t, state: 'running', steps: plan.steps.slice(0, n + 1), rewards: plan.rewards.slice(0, n + 1) };
    curves[t] = running;
    const study = curves.filter((c): c is LearningCurve => c !== undefined);
    const stop = policy.shouldStop(running, study);
    decisions.push({ trial: t, curve: running, study, stop });
    if (stop) curves[t] = { ...running, state: 'pruned' };
    else if (n + 1 === plan.steps.length) curves[t] = { ...running, state: 'completed' };
  }
  return { decisions, curves: curves.filter((c): c is LearningCurve => c !== undefined) };
}

/**
 * A planned curve with small integer rewards (ties happen): ascending steps drawn from
 * 1..maxStep with some skipped, or (`consecutive`) the steps 1..n for a random n ≤ maxStep.
 */
export function planArb(maxStep: number, consecutive = false): fc.Arbitrary<Plan> {
  const steps = consecutive
    ? fc.integer({ min: 1, max: maxStep }).map((n) => Array.from({ length: n }, (_, i) => i + 1))
    : fc.subarray(
        Array.from({ length: maxStep }, (_, i) => i + 1),
        { minLength: 1 },
      );
  return steps.chain((steps) =>
    fc.array(fc.integer({ min: 0, max: 6 }), { minLength: steps.length, maxLength: steps.length }).map((rewards) => ({ steps, rewards })),
  );
}

/** Plans for several trials with a random interleaving of their reports (every report gets a turn). */
export function loopArb(maxStep: number, maxTrials = 9, consecutive = false): fc.Arbitrary<{ plans: Plan[]; order: number[] }> {
  return fc.array(planArb(maxStep, consecutive), { minLength: 1, maxLength: maxTrials }).chain((plans) => {
    const turns = plans.flatMap((p, t) => p.steps.map(() => t));
    return fc.shuffledSubarray(turns, { minLength: turns.length, maxLength: turns.length }).map((order) => ({ plans, order }));
  });
}

/** A study snapshot: curves of random states, with one running trial to ask about. */
export function studyArb(maxStep: number): fc.Arbitrary<{ trial: LearningCurve; study: LearningCurve[]; seed: number }> {
  const state = fc.constantFrom<CurveState>('running', 'completed', 'completed', 'pruned', 'failed');
  return fc
    .tuple(fc.array(fc.tuple(planArb(maxStep), state, fc.integer({ min: 1, max: maxStep })), { minLength: 1, maxLength: 12 }), fc.nat(), fc.nat())
    .map(([entries, pick, seed]) => {
      const study = entries.map(([plan, st, cut], i): LearningCurve => {
        const n = Math.min(plan.steps.length, cut);
        return { number: i * 3 + 1, state: st, steps: plan.steps.slice(0, n), rewards: plan.rewards.slice(0, n) };
      });
      const index = pick % study.length;
      const trial: LearningCurve = { ...(study[index] as LearningCurve), state: 'running' };
      study[index] = trial;
      return { trial, study, seed };
    });
}

/** `values` in an order given by `seed` (a deterministic shuffle). */
export function shuffled<T>(values: readonly T[], seed: number): T[] {
  const out = [...values];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
