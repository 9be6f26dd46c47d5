import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { HOME_FILES, resolveHishoHome } from '../../shared/paths';

/**
 * The daemon's configuration: parsed once from the environment and HISHO_HOME/config.json,
 * failing fast with every bad value named. Environment variables win over the file.
 */
export const DEFAULT_PORT = 48765;
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const postgresUrl = z
  .string()
  .trim()
  .refine((s) => /^postgres(ql)?:\/\/[^\s]+$/.test(s), 'must be a postgres:// or postgresql:// URL');

const redisUrl = z
  .string()
  .trim()
  .refine((s) => /^rediss?:\/\/[^\s]+$/.test(s), 'must be a redis:// or rediss:// URL');

/** Size of one log file before it rotates, in MB. */
const logFileMb = z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be between 1 and 1024').max(1024, 'must be between 1 and 1024');
/** How many log files are kept (the current one included). */
const logFiles = z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be between 1 and 100').max(100, 'must be between 1 and 100');

/** The scheduled daily backup (design §9): off unless `enabled`; see daemon/src/ops/schedule.ts. */
const backupSchema = z
  .object({
    enabled: z.boolean({ error: 'must be true or false' }).optional(),
    time: z
      .string({ error: 'must be a time of day as "HH:MM"' })
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as "HH:MM" (24-hour, local time)')
      .optional(),
    keep: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be between 1 and 1000').max(1000, 'must be between 1 and 1000').optional(),
    keepDays: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be between 0 (no limit) and 3650').max(3650, 'must be between 0 (no limit) and 3650').optional(),
    folder: z.string({ error: 'must be a folder path' }).trim().min(1, 'must not be empty').optional(),
  })
  .strict();
export const BACKUP_DEFAULTS = { enabled: false, time: '03:00', keep: 7, keepDays: 30, folderName: 'backups' } as const;

/** What the config file may hold (camelCase); every key optional. */
const fileSchema = z
  .object({
    port: port.optional(),
    databaseUrl: postgresUrl.optional(),
    redisUrl: redisUrl.optional(),
    logLevel: z.enum(LOG_LEVELS).optional(),
    logDir: z.string().trim().min(1).optional(),
    logFileMb: logFileMb.optional(),
    logFiles: logFiles.optional(),
    backup: backupSchema.optional(),
    vault: z.string().trim().min(1).optional(),
  })
  .strict();

const configSchema = z.object({
  home: z.string().min(1),
  port,
  databaseUrl: postgresUrl.optional(),
  redisUrl: redisUrl.optional(),
  logLevel: z.enum(LOG_LEVELS),
  logDir: z.string().trim().min(1).optional(),
  logFileMb,
  logFiles,
  /** A vault folder to register (and index) at start: HISHO_VAULT or `hisho serve --vault PATH`. */
  vault: z.string().trim().min(1).optional(),
});

export type Config = z.infer<typeof configSchema> & {
  /** Loopback only: the daemon is never reachable from another machine. */
  host: '127.0.0.1';
  paths: { discovery: string; token: string; data: string; configFile: string; logs: string };
  /** The scheduled backup, defaults applied; `folder` is absolute (relative paths are under HISHO_HOME). */
  backup: { enabled: boolean; time: string; keep: number; keepDays: number; folder: string };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Hisho's configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Maps environment variable names to config keys. */
const ENV_KEYS = {
  HISHO_PORT: 'port',
  DATABASE_URL: 'databaseUrl',
  REDIS_URL: 'redisUrl',
  HISHO_LOG_LEVEL: 'logLevel',
  HISHO_LOG_DIR: 'logDir',
  HISHO_LOG_FILE_MB: 'logFileMb',
  HISHO_LOG_FILES: 'logFiles',
  HISHO_VAULT: 'vault',
} as const;

function issuesToProblems(issues: z.core.$ZodIssue[], name: (key: string) => string): string[] {
  return issues.map((issue) => {
    const key = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') return `${name(key || '(root)')}: unknown key(s) ${issue.keys.join(', ')}`;
    return `${name(key)}: ${issue.message}`;
  });
}

function readConfigFile(file: string, problems: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    problems.push(`${file}: cannot be read (${(e as Error).message})`);
    return {};
  }
  if (!text.trim()) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    problems.push(`${file}: is not valid JSON (${(e as Error).message})`);
    return {};
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    problems.push(...issuesToProblems(parsed.error.issues, (key) => `${file}: "${key}"`));
    return {};
  }
  return parsed.data;
}

export function loadConfig(env: Record<string, string | undefined> = process.env, platform = process.platform): Config {
  const problems: string[] = [];
  const home = resolveHishoHome({ platform, env, homedir: homedir() });
  const configFile = join(home, HOME_FILES.config);
  const fromFile = readConfigFile(configFile, problems);

  const fromEnv: Record<string, string> = {};
  for (const [envName, key] of Object.entries(ENV_KEYS)) {
    const value = env[envName];
    if (value !== undefined && value.trim() !== '') fromEnv[key] = value;
  }
  const envNameOf = (key: string) => Object.entries(ENV_KEYS).find(([, k]) => k === key)?.[0] ?? key;

  const parsed = configSchema.safeParse({ home, port: DEFAULT_PORT, logLevel: 'info', logFileMb: 10, logFiles: 5, ...fromFile, ...fromEnv });
  if (!parsed.success) {
    problems.push(
      ...issuesToProblems(parsed.error.issues, (key) =>
        key in fromEnv ? `${envNameOf(key)}=${JSON.stringify(fromEnv[key])}` : `${configFile}: "${key}"`,
      ),
    );
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);

  return {
    ...parsed.data,
    host: '127.0.0.1',
    paths: {
      discovery: join(home, HOME_FILES.discovery),
      token: join(home, HOME_FILES.token),
      data: join(home, HOME_FILES.data),
      configFile,
      logs: parsed.data.logDir ? resolve(home, parsed.data.logDir) : join(home, HOME_FILES.logs),
    },
    backup: resolveBackup(home, (fromFile as { backup?: z.infer<typeof backupSchema> }).backup),
  };
}

function resolveBackup(home: string, b: z.infer<typeof backupSchema> = {}): Config['backup'] {
  return {
    enabled: b.enabled ?? BACKUP_DEFAULTS.enabled,
    time: b.time ?? BACKUP_DEFAULTS.time,
    keep: b.keep ?? BACKUP_DEFAULTS.keep,
    keepDays: b.keepDays ?? BACKUP_DEFAULTS.keepDays,
    folder: resolve(home, b.folder ?? BACKUP_DEFAULTS.folderName),
  };
}
