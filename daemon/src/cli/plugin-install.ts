import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { packageRoot } from '../package-root';

/** What Obsidian loads for a plugin. */
export const PLUGIN_FILES = ['main.js', 'manifest.json', 'styles.css'] as const;

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

/** Copies the built plugin into <vault>/.obsidian/plugins/hisho/. */
export async function installPlugin(vaultArg: string, options: { force?: boolean; root?: string; out?: (s: string) => void } = {}): Promise<number> {
  const out = options.out ?? ((s: string) => process.stdout.write(s));
  const vault = resolve(vaultArg);
  if (!(await isDirectory(vault))) throw new Error(`${vault} is not a folder; pass the path of your Obsidian vault`);
  if (!(await isDirectory(join(vault, '.obsidian'))) && !options.force) {
    throw new Error(`${vault} has no .obsidian folder, so it does not look like an Obsidian vault (open it in Obsidian once, or pass --force)`);
  }
  const root = options.root ?? packageRoot();
  for (const file of PLUGIN_FILES) {
    if (!(await stat(join(root, file)).catch(() => undefined))) {
      throw new Error(`${file} is missing in ${root}; build the plugin first with \`npm run build\``);
    }
  }
  const target = join(vault, '.obsidian', 'plugins', 'hisho');
  await mkdir(target, { recursive: true });
  for (const file of PLUGIN_FILES) await copyFile(join(root, file), join(target, file));
  out(`Installed the Hisho plugin in ${target}.\nIn Obsidian: Settings → Community plugins → enable "Hisho" (reload the app if it is not listed).\n`);
  return 0;
}
