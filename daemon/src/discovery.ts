import { readFile, rm, writeFile } from 'node:fs/promises';
import { discoverySchema, type Discovery } from '../../shared/discovery';

/** Written once the daemon listens, so the plugin finds it without the user typing a port. */
export async function writeDiscovery(file: string, info: Discovery): Promise<void> {
  await writeFile(file, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
}

/** Removes the file only if it still describes this process (a newer daemon may have replaced it). */
export async function removeDiscovery(file: string, pid: number): Promise<void> {
  const current = await readDiscovery(file);
  if (current && current.pid !== pid) return;
  await rm(file, { force: true });
}

export async function readDiscovery(file: string): Promise<Discovery | undefined> {
  try {
    const parsed = discoverySchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
