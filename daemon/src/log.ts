/**
 * The daemon's logs: pino, structured, to the console (readable lines on a terminal, JSON
 * otherwise) and to size-rotated files (pino-roll) in HISHO_HOME/logs.
 *
 * Everything passes through `redact` first: values under secret-looking keys (`*key*`, `*token*`,
 * `password`, `secret`, `authorization`, `cookie`) are replaced, passwords inside URLs become `***`,
 * `Bearer …` loses its token, and fields that would carry a note's text (`content`, `body`, `text`,
 * `markdown`, `noteContent`) are dropped. Never log note contents on purpose either.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino, { type DestinationStream, type StreamEntry } from 'pino';
import pinoRoll from 'pino-roll';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
/** The function every part of the daemon logs through (passed around as `deps.log`). */
export type Log = (level: Exclude<LogLevel, 'silent'>, message: string, extra?: Record<string, unknown>) => void;

export const REDACTED = '[redacted]';
export const OMITTED = '[omitted]';

/** Keys whose values are secrets, wherever they appear. */
const SECRET_KEY = /key|token|passw(or)?d|secret|authori[sz]ation|cookie|credential/i;
/** Keys whose values are a note's (or a prompt's) text: never written to a log. */
const CONTENT_KEY = /^(content|body|text|markdown|note_?content|note_?text|prompt)$/i;
/** `scheme://user:password@` → `scheme://user:***@` (postgres, redis, http…). */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
/** Secrets in query strings or key=value text: `?token=…`, `api_key=…`, `password: …`. */
const INLINE_SECRET = /\b([\w-]*(?:key|token|passw(?:or)?d|secret)[\w-]*)(\s*[=:]\s*)("?)[^\s&"',;]+\3/gi;

export function redactString(text: string): string {
  return text
    .replace(URL_PASSWORD, '$1***@')
    .replace(BEARER, '$1 ***')
    .replace(INLINE_SECRET, (_whole, key: string, sep: string, quote: string) => `${key}${sep}${quote}***${quote}`);
}

/** A copy of `value` fit for a log line (see the file comment). Cycles and depth are bounded. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[too deep]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message), stack: value.stack ? redactString(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  if (value instanceof Headers) return redact(Object.fromEntries(value.entries()), depth + 1, seen);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (CONTENT_KEY.test(key)) out[key] = OMITTED;
    else if (SECRET_KEY.test(key) && v !== null && v !== undefined && typeof v !== 'boolean' && typeof v !== 'number') out[key] = REDACTED;
    else out[key] = redact(v, depth + 1, seen);
  }
  return out;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Where console lines go (default process.stderr); `false` for none. */
  console?: NodeJS.WritableStream | false;
  /** Human-readable console lines instead of JSON (default: when the console is a TTY). */
  pretty?: boolean;
  /** Rotated files: `dir/hisho.N.log`, each up to `sizeMb`, `files` kept in all. */
  file?: { dir: string; sizeMb?: number; files?: number };
}

export interface Logger {
  log: Log;
  /** The folder of the log files, when files are written. */
  dir?: string;
  /** Writes out what is buffered. */
  flush(): Promise<void>;
  /** Flushes and closes the files. */
  close(): Promise<void>;
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** One readable line per JSON log line: `12:34:56.789 INFO  message key=value …`. */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const { time, level, msg, pid: _pid, hostname: _hostname, ...rest } = entry;
  const when = typeof time === 'number' || typeof time === 'string' ? new Date(time).toISOString().slice(11, 23) : '';
  const name = (LEVEL_NAMES[Number(level)] ?? String(level)).padEnd(5);
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${when} ${name} ${String(msg ?? '')}${fields ? ` ${fields}` : ''}\n`;
}

function prettyStream(target: NodeJS.WritableStream): DestinationStream {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line.trim()) target.write(prettyLine(line));
      callback();
    },
  });
}

function toLog(logger: pino.Logger): Log {
  return (level, message, extra) => {
    if (!logger.isLevelEnabled(level)) return;
    const fields = extra ? (redact(extra) as Record<string, unknown>) : {};
    logger[level](fields, redactString(message));
  };
}

const BASE_OPTIONS: pino.LoggerOptions = {
  base: undefined,
  messageKey: 'msg',
  timestamp: pino.stdTimeFunctions.isoTime,
};

/** The daemon's logger: console and (when `file` is given) rotated files. */
export async function createLogger(options: LoggerOptions): Promise<Logger> {
  const level = options.level;
  const streams: StreamEntry[] = [];
  const consoleTarget = options.console === undefined ? process.stderr : options.console;
  if (consoleTarget) {
    const pretty = options.pretty ?? (consoleTarget as { isTTY?: boolean }).isTTY === true;
    streams.push({ level: level === 'silent' ? 'error' : level, stream: pretty ? prettyStream(consoleTarget) : consoleTarget });
  }
  let roll: (DestinationStream & { flush?(cb?: (err?: Error) => void): void; end(): void; once(e: string, f: () => void): void }) | undefined;
  if (options.file && level !== 'silent') {
    mkdirSync(options.file.dir, { recursive: true, mode: 0o700 });
    const files = options.file.files ?? 5;
    roll = await pinoRoll({
      file: join(options.file.dir, 'hisho'),
      extension: '.log',
      size: `${options.file.sizeMb ?? 10}m`,
      ...(files > 1 ? { limit: { count: files - 1, removeOtherLogFiles: true } } : {}),
      mkdir: true,
      mode: 0o600,
    });
    streams.push({ level, stream: roll });
  }
  const logger = pino({ ...BASE_OPTIONS, level }, pino.multistream(streams, { dedupe: false }));
  const flush = () =>
    new Promise<void>((resolve) => {
      if (!roll?.flush) return resolve();
      try {
        roll.flush(() => resolve());
      } catch {
        resolve();
      }
    });
  return {
    log: toLog(logger),
    dir: roll ? options.file?.dir : undefined,
    flush,
    close: async () => {
      await flush();
      if (!roll) return;
      const stream = roll;
      await new Promise<void>((resolve) => {
        stream.once('close', () => resolve());
        stream.end();
      });
    },
  };
}

/** A console-only logger (no files), synchronous to create: JSON lines through `write`. */
export function createLog(min: LogLevel, write: (line: string) => void = (line) => process.stderr.write(line)): Log {
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      write(String(chunk));
      callback();
    },
  });
  return toLog(pino({ ...BASE_OPTIONS, level: min }, sink));
}
