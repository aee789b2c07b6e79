import { afterEach, describe, expect, it } from 'vitest';
import { startProgress } from '../../../src/cli/progress.js';
import { painter, shortNumber, table, useColour } from '../../../src/cli/terminal.js';
import { trialRecord } from '../../support/trial-record.js';

const trial = trialRecord;

const saved = process.env.NO_COLOR;
const savedCi = process.env.CI;
afterEach(() => {
  if (saved === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = saved;
  if (savedCi === undefined) delete process.env.CI;
  else process.env.CI = savedCi;
});

describe('progress', () => {
  it('off a terminal: a line per trial with the count and the best so far (lower is better when minimizing)', () => {
    let text = '';
    const p = startProgress({ write: (t: string) => (text += t) }, 3, 'minimize');
    p.trialEnded(trial(0, 2));
    p.trialEnded(trial(1, 1));
    p.trialEnded(trial(2, 0, { cached: true }));
    p.stop();
    expect(text.split('\n')).toEqual([
      'trial 0 completed: 2, 1.5 s | 1/3 | best 2',
      'trial 1 completed: 1, 1.5 s | 2/3 | best 1',
      'trial 2 served by the cache, 1.5 s | 2/3 | best 0',
      '',
    ]);
  });

  it('a resumed study counts from its evaluated trials and keeps its best', () => {
    let text = '';
    const p = startProgress({ write: (t: string) => (text += t) }, 10, 'maximize', { done: 7, best: 0.9 });
    p.trialEnded(trial(7, 0.5));
    expect(text).toBe('trial 7 completed: 0.5, 1.5 s | 8/10 | best 0.9\n');
  });

  it('on a terminal: a bar with trials done, the best, the rate and the cache hits', () => {
    let text = '';
    const stream = {
      isTTY: true,
      columns: 120,
      write: (t: string) => ((text += t), true),
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
      on: () => stream,
      removeListener: () => stream,
    };
    delete process.env.CI;
    const p = startProgress(stream, 4, 'maximize');
    p.trialEnded(trial(0, 0.5));
    p.trialEnded(trial(1, 0.75));
    p.stop();
    if (process.env.TERM === 'dumb') return;
    expect(text).toContain('2/4 trials | best 0.75 (#1)');
    expect(text).toContain('cache hits 0');
  });

  it('on a terminal under CI: a line per trial, no bar', () => {
    let text = '';
    process.env.CI = '1';
    const p = startProgress({ isTTY: true, write: (t: string) => (text += t) }, 2, 'maximize');
    p.trialEnded(trial(0, 0.5));
    p.stop();
    expect(text).toBe('trial 0 completed: 0.5, 1.5 s | 1/2 | best 0.5\n');
  });
});

describe('terminal', () => {
  it('colours only a terminal, and never with NO_COLOR', () => {
    delete process.env.NO_COLOR;
    expect(useColour({ isTTY: true })).toBe(process.env.TERM !== 'dumb');
    expect(useColour({ isTTY: false })).toBe(false);
    process.env.NO_COLOR = '1';
    expect(useColour({ isTTY: true })).toBe(false);
    expect(painter(false).bold('x')).toBe('x');
    expect(painter(true).bold('x')).toBe('\u001b[1mx\u001b[22m');
  });

  it('tables and numbers', () => {
    expect(
      table(
        ['a', 'n'],
        [
          ['x', '1'],
          ['yy', '10'],
        ],
      ),
    ).toBe('a    n\n--  --\nx    1\nyy  10\n');
    expect(shortNumber(0.123456)).toBe('0.1235');
    expect(shortNumber(42)).toBe('42');
    expect(shortNumber(undefined)).toBe('');
  });
});
