import type { Config } from '../config';
import { startDaemon } from '../daemon';
import { createLogger } from '../log';
import { currentLaunch, writeLaunchInfo } from '../service/launch-info';

/** Runs until SIGINT/SIGTERM, then shuts down gracefully. */
export async function runServe(config: Config): Promise<number> {
  const logger = await createLogger({
    level: config.logLevel,
    file: { dir: config.paths.logs, sizeMb: config.logFileMb, files: config.logFiles },
  });
  const { log } = logger;
  // The handlers are installed before the daemon starts: a signal that arrives while it starts (the
  // discovery file already written, launch.json not yet) must stop it, not kill it mid-write.
  let signalled: NodeJS.Signals | undefined;
  let wake: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    signalled = signal;
    wake?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const daemon = await startDaemon(config, log);
    // So the plugin can offer to start this daemon again when it finds none running.
    await writeLaunchInfo(config.home, { ...currentLaunch(), writtenBy: 'serve' }).catch((e: unknown) =>
      log('warn', 'could not write launch.json', { error: e instanceof Error ? e.message : String(e) }),
    );
    process.stdout.write(`Hisho daemon listening on ${daemon.url} (database: ${daemon.database.kind}, cache: ${daemon.cache.kind}; logs in ${config.paths.logs})\n`);
    await new Promise<void>((resolve) => {
      wake = resolve;
      if (signalled) resolve();
    });
    log('info', 'shutting down', { signal: signalled });
    await daemon.stop().catch((e: unknown) => log('error', 'the daemon did not stop cleanly', { error: e instanceof Error ? e.message : String(e) }));
    return 0;
  } catch (e) {
    log('error', 'the daemon could not start', { error: e instanceof Error ? e.message : String(e) });
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await logger.close();
  }
}
