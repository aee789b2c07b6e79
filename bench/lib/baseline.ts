/**
 * The package as it was at an earlier commit, built once, for before/after figures in one run.
 *
 * `baselineDist(rev)` makes a detached git worktree of `rev` under `.bench-base/<rev>/` of this
 * checkout, links this checkout's `node_modules` into it, runs that commit's own `npm run build`
 * there, and returns the absolute path of its `dist/index.js`. A worktree is reused while its
 * marker file (`.bench-built`, holding the full commit hash) is there with `dist/index.js`; a
 * half-made one (a build that failed or was killed) is removed and made again. Several processes
 * may ask at once: one builds under a lock directory, the others wait for it. Delete
 * `.bench-base/<rev>` (or run `git worktree remove --force .bench-base/<rev>`) to force a rebuild.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MARKER = '.bench-built';
const LOCK_STALE_MS = 10 * 60_000;

function git(args: string[], cwd = root): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function builtAt(dir: string, commit: string): string | undefined {
  const entry = join(dir, 'dist', 'index.js');
  try {
    if (readFileSync(join(dir, MARKER), 'utf8').trim() === commit && existsSync(entry)) return entry;
  } catch {
    // no marker: not built (or half built)
  }
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock directory; a lock whose owner died (or older than 10 minutes) is broken. */
async function lock(path: string): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, 'pid'), String(process.pid));
      return () => rmSync(path, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let stale = false;
    try {
      const pid = Number(readFileSync(join(path, 'pid'), 'utf8'));
      stale = (Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) || Date.now() - statSync(path).mtimeMs > LOCK_STALE_MS;
    } catch {
      // the pid file is not written yet, or the lock just went away
      try {
        stale = Date.now() - statSync(path).mtimeMs > 30_000;
      } catch {
        stale = false;
      }
    }
    if (stale) rmSync(path, { recursive: true, force: true });
    else await new Promise((done) => setTimeout(done, 500));
  }
}

function removeWorktree(dir: string): void {
  try {
    git(['worktree', 'remove', '--force', dir]);
  } catch {
    // not a registered worktree (or already gone): remove the folder itself
  }
  rmSync(dir, { recursive: true, force: true });
  git(['worktree', 'prune']);
}

function build(dir: string, commit: string, rev: string): void {
  if (existsSync(dir)) removeWorktree(dir);
  else git(['worktree', 'prune']);
  git(['worktree', 'add', '--detach', dir, commit]);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const log = process.env.PLIANT_BASELINE_VERBOSE === '1' ? 'inherit' : 'pipe';
  process.stderr.write(`[baseline] building ${rev} (${commit.slice(0, 12)}) in ${dir}\n`);
  try {
    // the commit's own build: removes dist, tsc -p tsconfig.build.json, the spaces, the .d.ts marks
    execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: ['ignore', log, log], env: { ...process.env, npm_config_update_notifier: 'false' } });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`baselineDist: building ${rev} failed in ${dir}\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
  }
  if (!existsSync(join(dir, 'dist', 'index.js'))) throw new Error(`baselineDist: ${rev} built no dist/index.js in ${dir}`);
  writeFileSync(join(dir, MARKER), `${commit}\n`);
}

/** Absolute path of `dist/index.js` of the package built at commit `rev` (built once, then cached). */
export async function baselineDist(rev = '1694a16'): Promise<string> {
  if (!/^[\w./-]+$/.test(rev) || rev.includes('..')) throw new Error(`baselineDist: bad revision ${JSON.stringify(rev)}`);
  const commit = git(['rev-parse', '--verify', `${rev}^{commit}`]);
  const base = join(root, '.bench-base');
  const dir = join(base, rev.replace(/\//g, '_'));
  const ready = builtAt(dir, commit);
  if (ready !== undefined) return ready;
  mkdirSync(base, { recursive: true });
  const unlock = await lock(join(base, `${rev.replace(/\//g, '_')}.lock`));
  try {
    const done = builtAt(dir, commit);
    if (done !== undefined) return done;
    build(dir, commit, rev);
    return join(dir, 'dist', 'index.js');
  } finally {
    unlock();
  }
}

// `tsx bench/lib/baseline.ts [rev]` builds (or finds) the baseline and prints its entry.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  baselineDist(process.argv[2]).then(
    (entry) => console.log(entry),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
