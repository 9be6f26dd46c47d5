import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { DataFolderLockedError } from '../db/lock';
import { VERSION } from '../version';
import { runBackup, runRestore } from './backup';
import { runDbMove } from './db-move';
import { runDoctor } from './doctor';
import { runMigrate } from './migrate';
import { installPlugin } from './plugin-install';
import { runServe } from './serve';
import { runService } from './service';
import { runToken } from './token';

const HELP = `hisho ${VERSION} — the Hisho (秘書) daemon for Obsidian

Usage: hisho <command> [options]

Commands:
  serve                      Run the daemon on 127.0.0.1 (PGlite and an in-process cache unless
                             DATABASE_URL / REDIS_URL are set); applies pending migrations first;
                             --vault PATH (or HISHO_VAULT) registers and indexes that vault folder
  migrate                    Apply pending database migrations and exit
  token                      Print the bearer token the plugin uses (created if missing)
  doctor                     Check Node, the config, the database and its migrations, Redis, the
                             vault folders, the port, the service, the discovery file and the logs
  service install            Start the daemon with the computer: a Windows service (a per-user start
                             at logon when not an administrator, or with --user), a launchd agent
                             (macOS) or a systemd user unit (Linux); --force replaces an install
  service uninstall          Remove exactly what install added (data and logs are kept)
  service start | stop       Start or stop the installed service
  service status             Installed or not, running or not, and where the logs are
                             (install, uninstall, start, stop: --dry-run prints the plan instead)
  backup [FILE]              Back up every table into FILE (default: a dated file in HISHO_HOME/backups);
                             --format pg uses pg_dump (PostgreSQL servers only)
  restore FILE               Check FILE whole, then restore it in one transaction (a Hisho backup or a
                             pg_dump archive); --replace to overwrite a database that holds data
  db move --to <url>         Copy the embedded database into an empty PostgreSQL server, verify every
                             table (rows and checksums), switch config.json to it; the old folder is kept
  plugin install <vault>     Copy the built plugin into <vault>/.obsidian/plugins/hisho/

Options:
  -h, --help                 Show this help
  -v, --version              Print the version

Environment:
  HISHO_HOME       config and data folder (default: per OS, see README)
  HISHO_PORT       port on 127.0.0.1 (default 48765; 0 picks a free one)
  DATABASE_URL     postgres://… to use a PostgreSQL server instead of the embedded database
  REDIS_URL        redis://… to use Redis instead of the in-process cache
  HISHO_LOG_LEVEL  debug | info | warn | error | silent (default info)
  HISHO_LOG_DIR    log folder (default HISHO_HOME/logs); HISHO_LOG_FILE_MB (10), HISHO_LOG_FILES (5)
`;

/** Errors a user can act on are printed as one clear message, without a stack trace. */
function explain(e: unknown): string {
  if (e instanceof ConfigError || e instanceof DataFolderLockedError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      vault: { type: 'string' },
      version: { type: 'boolean', short: 'v' },
      force: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      user: { type: 'boolean' },
      platform: { type: 'string' },
      format: { type: 'string' },
      replace: { type: 'boolean' },
      to: { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined && !values.help ? 1 : 0;
  }
  try {
    switch (command) {
      case 'serve':
        return await runServe(loadConfig(typeof values.vault === 'string' ? { ...process.env, HISHO_VAULT: values.vault } : process.env));
      case 'migrate':
        return await runMigrate(loadConfig());
      case 'token':
        return await runToken(loadConfig());
      case 'doctor':
        return await runDoctor();
      case 'service':
        return await runService(
          rest[0],
          {
            dryRun: values['dry-run'] === true,
            force: values.force === true,
            user: values.user === true,
            platform: typeof values.platform === 'string' ? values.platform : undefined,
          },
          { config: loadConfig() },
        );
      case 'backup':
        return await runBackup(loadConfig(), rest[0], { format: typeof values.format === 'string' ? values.format : undefined });
      case 'restore':
        if (!rest[0]) {
          process.stderr.write('Usage: hisho restore <backup file> [--replace]\n');
          return 2;
        }
        return await runRestore(loadConfig(), rest[0], { replace: values.replace === true });
      case 'db':
        if (rest[0] !== 'move') {
          process.stderr.write('Usage: hisho db move --to postgres://user:password@host:5432/database\n');
          return 2;
        }
        return await runDbMove(loadConfig(), typeof values.to === 'string' ? values.to : undefined);
      case 'plugin':
        if (rest[0] !== 'install' || !rest[1]) {
          process.stderr.write('Usage: hisho plugin install <path to your vault>\n');
          return 2;
        }
        return await installPlugin(rest[1], { force: values.force === true });
      default:
        process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
        return 2;
    }
  } catch (e) {
    process.stderr.write(`hisho: ${explain(e)}\n`);
    return 1;
  }
}

// Run when executed directly (node dist/hisho.mjs, tsx daemon/src/cli/main.ts), not when imported by tests.
const invokedDirectly = process.argv[1] !== undefined && /(?:dist[\\/]hisho\.mjs|cli[\\/]main\.ts)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`hisho: ${explain(e)}\n`);
      process.exitCode = 1;
    },
  );
}
