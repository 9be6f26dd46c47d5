import { z } from 'zod';

/** The content of HISHO_HOME/daemon.json, written by a running daemon and read by the plugin. */
export const discoverySchema = z.object({
  url: z.string().url(),
  pid: z.number().int(),
  version: z.string(),
  startedAt: z.string(),
});
export type Discovery = z.infer<typeof discoverySchema>;
