/**
 * How outcomes rank when rewards alone do not decide: feasible completed trials first (by
 * reward), then pruned ones (the further they got, the better; then by reward), then infeasible
 * ones (the smaller the total violation, the better), then failed ones (all tied). Evolution's
 * selectors, NSGA-II and TPE all rank this way.
 */
import { PliantError, describeThrown } from '../base/errors.js';
import type { Outcome } from './algorithm.js';

/** The total constraint violation of an outcome: Σ max(0, cᵢ); 0 when feasible. */
export function violation(outcome: Outcome | undefined): number {
  const cs = outcome?.constraints;
  if (cs === undefined) return 0;
  let v = 0;
  for (const c of cs) if (c > 0) v += c;
  return v;
}

/**
 * 0 for a feasible completed outcome, 1 for a pruned one, 2 for an infeasible one, 3 for a failed
 * one (`outcome.failed` set, whatever else the outcome says).
 */
export function tier(outcome: Outcome | undefined): 0 | 1 | 2 | 3 {
  if (isFailed(outcome)) return 3;
  if (violation(outcome) > 0) return 2;
  return outcome?.pruned !== undefined ? 1 : 0;
}

/** Whether an outcome says its trial failed (`outcome.failed` is set). */
export function isFailed(outcome: Outcome | undefined): boolean {
  return outcome?.failed !== undefined;
}

/**
 * Compares two (reward, outcome) pairs: negative when `a` ranks before (is better than) `b`, 0
 * on a tie. Within a tier: infeasible by violation, pruned by step (later is better), then by
 * reward (higher is better); failed outcomes rank after every other and tie among themselves
 * (their reward, −∞, says nothing).
 */
export function compareOutcomes(ra: number, a: Outcome | undefined, rb: number, b: Outcome | undefined): number {
  const ta = tier(a);
  const tb = tier(b);
  if (ta !== tb) return ta - tb;
  if (ta === 3) return 0;
  if (ta === 2) {
    const d = violation(a) - violation(b);
    if (d !== 0) return d;
  } else if (ta === 1) {
    const d = (b?.pruned?.step ?? 0) - (a?.pruned?.step ?? 0);
    if (d !== 0) return d;
  }
  return ra === rb ? 0 : ra > rb ? -1 : 1;
}

/**
 * Throws a `PliantError` from `api` unless `outcome` is well-formed: `rewards` and `constraints`
 * arrays of numbers, `pruned` a `{step: number}`, `failed` a string (the reason).
 */
export function checkOutcome(outcome: unknown, api: string): asserts outcome is Outcome | undefined {
  if (outcome === undefined) return;
  if (typeof outcome !== 'object' || outcome === null) throw new PliantError(api, 'argument', `an outcome must be an object, found ${String(outcome)}`);
  const o = outcome as Record<string, unknown>;
  for (const key of ['rewards', 'constraints'] as const) {
    const list = o[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'number' || Number.isNaN(x))) {
      throw new PliantError(api, 'argument', `outcome.${key} must be an array of numbers, found ${JSON.stringify(list)}`);
    }
  }
  const pruned = o.pruned;
  if (pruned !== undefined && (typeof pruned !== 'object' || pruned === null || typeof (pruned as { step?: unknown }).step !== 'number')) {
    throw new PliantError(api, 'argument', `outcome.pruned must be {step: number}, found ${JSON.stringify(pruned)}`);
  }
  const failed = o.failed;
  if (failed !== undefined && typeof failed !== 'string') {
    throw new PliantError(api, 'argument', `outcome.failed must be a string (the reason the trial failed), found ${describeThrown(failed)}`);
  }
}
