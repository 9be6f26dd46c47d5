import { z } from 'zod';

/**
 * The content of HISHO_HOME/launch.json: how to start this computer's daemon. Written by
 * `hisho serve` at start and by `hisho service install`; read by the plugin to offer "Start the
 * daemon" when it cannot reach one. Run as `node ...args serve` (args: the entry, and any loader
 * flags such as `--import tsx` when running from source).
 */
export const launchInfoSchema = z.object({
  node: z.string().min(1),
  args: z.array(z.string()),
  /** The folder to start in (the Hisho package folder). */
  cwd: z.string().min(1).optional(),
  version: z.string(),
  writtenBy: z.enum(['serve', 'service install']),
  writtenAt: z.string(),
});
export type LaunchInfo = z.infer<typeof launchInfoSchema>;
