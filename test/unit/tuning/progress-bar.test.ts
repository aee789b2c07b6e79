import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { floatv, oneOf, search } from '../../../src/index.js';
import { objectiveValue, progressWanted, startProgressBar } from '../../../src/tuning/progress-bar.js';
import { trialRecord } from '../../support/trial-record.js';

const trial = trialRecord;

/** A stream that says it is a terminal and keeps what is written. */
function fakeTerminal(): { stream: { isTTY: true; columns: number; write(t: string): boolean }; text: () => string } {
  let text = '';
  return { stream: { isTTY: true, columns: 120, write: (t: string) => ((text += t), true) }, text: () => text };
}

const ERASE_LINE = '\u001b[2K';
const env = { CI: process.env.CI, TERM: process.env.TERM };
beforeEach(() => {
  delete process.env.CI;
  process.env.TERM = 'xterm-256color';
});
afterEach(() => {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  vi.restoreAllMocks();
});

describe('progressWanted', () => {
  it('on a terminal only, never under CI or with TERM=dumb; the option forces it on or off', () => {
    const tty = { write: () => true, isTTY: true };
    const pipe = { write: () => true };
    expect(progressWanted(tty, undefined, {})).toBe(true);
    expect(progressWanted(pipe, undefined, {})).toBe(false);
    expect(progressWanted({ ...pipe, isTTY: false }, undefined, {})).toBe(false);
    expect(progressWanted(tty, undefined, { CI: '1' })).toBe(false);
    expect(progressWanted(tty, undefined, { CI: 'true' })).toBe(false);
    expect(progressWanted(tty, undefined, { CI: '' })).toBe(true);
    expect(progressWanted(tty, undefined, { TERM: 'dumb' })).toBe(false);
    expect(progressWanted(tty, false, {})).toBe(false);
    expect(progressWanted(pipe, true, { CI: '1' })).toBe(true);
  });
});

describe('objectiveValue', () => {
  it('a number, the metric of a record, its objective, or its only metric', () => {
    expect(objectiveValue(0.5)).toBe(0.5);
    expect(objectiveValue({ valAccuracy: 0.9, testAccuracy: 0.8 }, 'valAccuracy')).toBe(0.9);
    expect(objectiveValue({ objective: 2, seconds: 3 })).toBe(2);
    expect(objectiveValue({ loss: 4 })).toBe(4);
    expect(objectiveValue({ a: 1, b: 2 })).toBeUndefined();
    expect(objectiveValue(undefined)).toBeUndefined();
  });
});

describe('startProgressBar', () => {
  it('draws trials done, the best (by the metric) and its trial, the ETA and the cache hits, then clears its line', () => {
    const t = fakeTerminal();
    const p = startProgressBar(t.stream, 4, { direction: 'maximize', metric: 'acc' });
    p.trialEnded(trial(0, { acc: 0.5, loss: 1 }));
    p.trialEnded(trial(1, { acc: 0.75, loss: 2 }));
    p.trialEnded(trial(2, { acc: 0.75, loss: 2 }, { cached: true }));
    p.stop();
    const text = t.text();
    expect(text).toContain('2/4 trials | best 0.75 (#1)');
    expect(text).toContain('ETA');
    expect(text).toContain('cache hits 1');
    // Cleared at the end: the last thing written erases the bar's line, and the cursor is shown again.
    const lastBar = text.lastIndexOf('trials |');
    expect(text.indexOf(ERASE_LINE, lastBar)).toBeGreaterThan(lastBar);
    expect(text.endsWith(ERASE_LINE)).toBe(true);
    expect(text).toContain('\u001b[?25h');
  });

  it('lowest is best when minimizing; a resumed study counts from where it stood', () => {
    const t = fakeTerminal();
    const p = startProgressBar(t.stream, 10, { direction: 'minimize', start: { done: 7, best: 0.3 }, clear: false });
    p.trialEnded(trial(7, 0.5));
    p.stop();
    expect(t.text()).toContain('8/10 trials | best 0.3 |');
    expect(t.text().endsWith('\n')).toBe(true);
  });
});

describe('startProgressBar with output on a terminal', () => {
  it('a line printed on standard output goes above the bar: its line is cleared, then it is drawn again', () => {
    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    }) as typeof process.stdout.write);
    const saved = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true, writable: true });
    try {
      const t = fakeTerminal();
      const p = startProgressBar(t.stream, 3);
      const before = t.text().length;
      process.stdout.write('trial 0: 0.5\n');
      expect(printed).toEqual(['trial 0: 0.5\n']);
      const after = t.text().slice(before);
      expect(after.startsWith('\r\u001b[2K')).toBe(true);
      expect(after).toContain('0/3 trials');
      p.stop();
      // Standard output is given back as it was.
      process.stdout.write('done\n');
      expect(t.text().endsWith(ERASE_LINE)).toBe(true);
      expect(printed).toEqual(['trial 0: 0.5\n', 'done\n']);
      expect(process.stdout.write).toBe(write);
    } finally {
      if (saved === undefined) delete (process.stdout as { isTTY?: boolean }).isTTY;
      else Object.defineProperty(process.stdout, 'isTTY', saved);
    }
  });
});

describe('search progress', () => {
  const space = { x: floatv(0, 1), act: oneOf(['relu', 'gelu']) };
  const objective = (c: { x: number }): number => c.x;

  /** Captures what standard error receives, making it a terminal or not for the test. */
  function captureStderr(isTTY: boolean): () => string {
    let text = '';
    vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      text += String(chunk);
      return true;
    }) as typeof process.stderr.write);
    const saved = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true, writable: true });
    restore.push(() => {
      if (saved === undefined) delete (process.stderr as { isTTY?: boolean }).isTTY;
      else Object.defineProperty(process.stderr, 'isTTY', saved);
    });
    return () => text;
  }
  const restore: (() => void)[] = [];
  afterEach(() => {
    for (const r of restore.splice(0)) r();
  });

  it('on a terminal: the bar is drawn and cleared at the end', async () => {
    const stderr = captureStderr(true);
    await search(space, objective, { numTrials: 3 });
    expect(stderr()).toContain('3/3 trials | best ');
    expect(stderr().endsWith(ERASE_LINE)).toBe(true);
  });

  it('nothing in a pipe, under CI, with TERM=dumb or with progress: false', async () => {
    const pipe = captureStderr(false);
    await search(space, objective, { numTrials: 2 });
    expect(pipe()).toBe('');
    restore.splice(0).forEach((r) => r());
    vi.restoreAllMocks();

    for (const setup of [() => (process.env.CI = '1'), () => (process.env.TERM = 'dumb'), () => undefined]) {
      setup();
      const stderr = captureStderr(true);
      await search(space, objective, { numTrials: 2, ...(process.env.CI === undefined && process.env.TERM !== 'dumb' ? { progress: false } : {}) });
      expect(stderr()).toBe('');
      restore.splice(0).forEach((r) => r());
      vi.restoreAllMocks();
      delete process.env.CI;
      process.env.TERM = 'xterm-256color';
    }
  });

  it('progress: true forces it in a pipe; anything but a boolean is refused', async () => {
    const pipe = captureStderr(false);
    await search(space, objective, { numTrials: 2, progress: true });
    expect(pipe()).toContain('2/2 trials');
    await expect(search(space, objective, { numTrials: 2, progress: 'yes' as unknown as boolean })).rejects.toThrow(/search: progress must be true or false/);
  });
});
