import type { Config } from '../config';
import { ensureToken } from '../security/token';

export async function runToken(config: Config): Promise<number> {
  process.stdout.write(`${await ensureToken(config.paths.token)}\n`);
  return 0;
}
