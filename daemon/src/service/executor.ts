import { spawn } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { displayCommand } from './escape';
import type { ServicePlan, Step } from './types';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one command given as argv (never through a shell). The fake in the tests records them. */
export interface CommandRunner {
  run(argv: string[], options?: { detached?: boolean }): Promise<CommandResult>;
}

/** The real runner: no shell, no window on Windows; a missing program is exit code 127. */
export const processRunner: CommandRunner = {
  run(argv, options = {}) {
    const [program, ...args] = argv;
    if (!program) return Promise.resolve({ code: 127, stdout: '', stderr: 'empty command' });
    return new Promise((resolve) => {
      let stdout = '';
      let stderr = '';
      let child;
      try {
        child = spawn(program, args, {
          shell: false,
          windowsHide: true,
          detached: options.detached === true,
          stdio: options.detached ? 'ignore' : ['ignore', 'pipe', 'pipe'],
        });
      } catch (e) {
        resolve({ code: 127, stdout: '', stderr: (e as Error).message });
        return;
      }
      child.once('error', (e: NodeJS.ErrnoException) =>
        resolve({ code: e.code === 'ENOENT' ? 127 : 1, stdout, stderr: e.code === 'ENOENT' ? `${program}: command not found` : e.message }),
      );
      if (options.detached) {
        child.once('spawn', () => {
          child.unref();
          resolve({ code: 0, stdout: '', stderr: '' });
        });
        return;
      }
      child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
  },
};

export interface ApplyResult {
  ok: boolean;
  /** What was done, one line per step (also sent to `out`). */
  done: string[];
  /** When not ok: what failed, in words a user can act on. */
  error?: string;
}

function encode(step: Extract<Step, { kind: 'write' }>): Buffer {
  if (step.encoding === 'utf16le-bom') return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(step.content, 'utf16le')]);
  return Buffer.from(step.content, 'utf8');
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/).slice(0, 3).join(' ').slice(0, 300);
}

/**
 * Applies a plan in order. First, before anything changes: every `check` step must pass and every
 * file to copy must exist. Then each step; a command that fails stops the plan (unless it may
 * fail, e.g. stopping a service that is not running), and the error names it.
 */
export async function applyPlan(plan: ServicePlan, options: { runner: CommandRunner; platform: string; out?: (line: string) => void }): Promise<ApplyResult> {
  const done: string[] = [];
  const say = (line: string) => {
    done.push(line);
    options.out?.(`${line}\n`);
  };
  const show = (argv: string[]) => displayCommand(argv, options.platform);

  for (const step of plan.steps) {
    if (step.kind === 'check') {
      const r = await options.runner.run(step.argv);
      if (r.code !== 0) {
        const detail = firstLine(r.stderr || r.stdout);
        return { ok: false, done, error: `${step.failure}${detail ? `\n  (${show(step.argv)}: ${detail})` : ''}\nNothing was changed.` };
      }
    }
    if (step.kind === 'copy' && !(await stat(step.from).catch(() => undefined))) {
      const hint = /winsw/i.test(step.from) ? " It comes with node-windows, Hisho's optional Windows dependency: run `npm install` in the Hisho folder on Windows." : '';
      return { ok: false, done, error: `${step.from} does not exist.${hint}\nNothing was changed.` };
    }
  }

  for (const step of plan.steps) {
    switch (step.kind) {
      case 'check':
        break;
      case 'mkdir':
        await mkdir(step.path, { recursive: true, mode: 0o700 });
        say(`created folder ${step.path}`);
        break;
      case 'write':
        await mkdir(dirname(step.path), { recursive: true, mode: 0o700 });
        await writeFile(step.path, encode(step), step.mode === undefined ? {} : { mode: step.mode });
        say(`wrote ${step.path}`);
        break;
      case 'copy':
        await mkdir(dirname(step.to), { recursive: true, mode: 0o700 });
        await copyFile(step.from, step.to);
        say(`copied ${step.from} to ${step.to}`);
        break;
      case 'remove': {
        const existed = await stat(step.path).then(
          () => true,
          () => false,
        );
        await rm(step.path, { force: true });
        if (existed) say(`removed ${step.path}`);
        break;
      }
      case 'rmdir':
        await rmdir(step.path).then(
          () => say(`removed folder ${step.path}`),
          () => undefined, // not empty or already gone: left as it is
        );
        break;
      case 'run': {
        const r = await options.runner.run(step.argv, { detached: step.detached });
        if (r.code === 0) {
          say(`ran ${show(step.argv)}`);
        } else if (step.mayFail) {
          say(`ran ${show(step.argv)} (exit ${r.code}, ignored: ${firstLine(r.stderr || r.stdout) || 'no output'})`);
        } else {
          const detail = firstLine(r.stderr || r.stdout);
          return {
            ok: false,
            done,
            error: `${show(step.argv)} failed (exit ${r.code})${detail ? `: ${detail}` : ''}.${done.length ? ` Done before it: ${done.length} step(s); \`hisho service uninstall\` undoes them.` : ''}`,
          };
        }
        break;
      }
    }
  }
  return { ok: true, done };
}

/** The content a plan would write to `path`, compared with what is there (for "already up to date"). */
export async function sameContent(path: string, content: string): Promise<boolean> {
  try {
    return (await readFile(path, 'utf8')).replace(/^\uFEFF/, '') === content;
  } catch {
    return false;
  }
}
