import type { Config } from '../config';
import { startDaemon } from '../daemon';
import { createLog } from '../log';

/** Runs until SIGINT/SIGTERM, then shuts down gracefully. */
export async function runServe(config: Config): Promise<number> {
  const log = createLog(config.logLevel);
  const daemon = await startDaemon(config, log);
  process.stdout.write(`Hisho daemon listening on ${daemon.url} (database: ${daemon.database.kind}, cache: ${daemon.cache.kind})\n`);
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      log('info', 'shutting down', { signal });
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      void daemon.stop().then(resolve, resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return 0;
}
