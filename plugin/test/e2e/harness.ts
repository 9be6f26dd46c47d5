/**
 * The plugin in a real browser: its code bundled with esbuild (obsidian aliased to a stand-in),
 * served from 127.0.0.1 and driven by playwright-core with Debian's Chromium.
 *
 * The daemon accepts browser requests only from Obsidian's origin (app://obsidian.md). Rather
 * than loosen that for tests, the page talks to its own origin (/daemon/...) and this server
 * forwards those requests to the daemon server-side, without the browser's Origin and Referer
 * — the way any non-browser client (curl, the CLI) calls it.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from './daemon-process';

export const CHROMIUM_PATH = process.env.HISHO_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Whether the browser tests run: always when Chromium is installed; when it is not, they are
 * skipped on a developer's fresh machine but fail in CI (HISHO_REQUIRE_BROWSER=1), which installs it.
 */
export function browserTestsEnabled(): boolean {
  if (existsSync(CHROMIUM_PATH) || process.env.HISHO_REQUIRE_BROWSER === '1') return true;
  console.warn(`[hisho] browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  return false;
}
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const NODE_BUILTINS = /^(node:)?(fs|fs\/promises|os|path|child_process)$/;

export interface HarnessOptions {
  /** The daemon's own URL (http://127.0.0.1:port); requests reach it through the harness server. */
  daemonUrl: string;
  token: string;
  /** Obsidian's language as getLanguage() reports it; 'en' by default. */
  language?: string;
  /** Extra saved settings (merged over the URL and token). */
  settings?: Record<string, unknown>;
  /** The vault's folder, as the stand-in's FileSystemAdapter reports it (the plugin registers it). */
  vaultPath?: string;
}

export interface Harness {
  page: Page;
  /** The page's origin, e.g. http://127.0.0.1:40123. */
  url: string;
  openView(type: string): Promise<void>;
  runCommand(id: string): Promise<void>;
  /** Saves test-artifacts/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

let bundlePromise: Promise<string> | null = null;

/** The plugin's real code plus the stand-in, as one browser script (built once per test run). */
export function bundlePlugin(): Promise<string> {
  bundlePromise ??= build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [join(REPO_ROOT, 'plugin/test/e2e/harness-entry.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2021',
    charset: 'utf8',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    sourcemap: 'inline',
    alias: { obsidian: join(REPO_ROOT, 'plugin/test/e2e/obsidian-standin.ts') },
    logLevel: 'silent',
    plugins: [
      {
        // The desktop discovery reads files through Node; in the page the settings give URL and token.
        name: 'no-node-builtins',
        setup(b) {
          b.onResolve({ filter: NODE_BUILTINS }, (args) => ({ path: args.path, namespace: 'node-stub' }));
          b.onLoad({ filter: /.*/, namespace: 'node-stub' }, () => ({
            contents: `const unavailable = () => { throw new Error('Node APIs are not available in the browser harness'); };
              export const readFile = unavailable, homedir = unavailable, join = unavailable, spawn = unavailable;
              export default { readFile: unavailable, homedir: unavailable, join: unavailable, spawn: unavailable };`,
            loader: 'js',
          }));
        },
      },
    ],
  }).then((result) => {
    const file = result.outputFiles[0];
    if (!file) throw new Error('esbuild produced no bundle');
    return file.text;
  });
  return bundlePromise;
}

function pageHtml(config: unknown): string {
  // JSON inside a script element: escape '<' so no value can close the element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hisho harness</title>
<link rel="stylesheet" href="/harness.css"><link rel="stylesheet" href="/styles.css">
<script>window.__HISHO_HARNESS__ = ${json};</script>
</head><body class="theme-dark"><div id="app" class="app-container"></div>
<script src="/harness.js"></script></body></html>`;
}

/** Enough of Obsidian's default dark theme for the screenshots to look like Obsidian. */
const HARNESS_CSS = `
body { margin: 0; height: 100vh; font-family: -apple-system, "Segoe UI", "Noto Sans CJK JP", "IPAPGothic", "Noto Sans", sans-serif;
  --background-primary: #1e1e1e; --background-secondary: #262626; --background-modifier-border: #363636;
  --background-modifier-hover: rgba(255,255,255,0.075); --text-normal: #dadada; --text-muted: #b3b3b3; --text-faint: #666;
  --text-accent: #a68af9; --text-error: #fb464c; --text-success: #44cf6e; --text-warning: #e9973f;
  --color-red: #fb464c; --color-green: #44cf6e; --color-orange: #e9973f; --color-yellow: #e0de71;
  --interactive-normal: #363636; --interactive-hover: #3f3f3f; --interactive-accent: #7f6df2;
  --font-ui-smaller: 12px; --font-ui-small: 13px; --font-ui-medium: 15px; --font-ui-large: 20px;
  --size-4-1: 4px; --size-4-2: 8px; --size-4-3: 12px; --size-4-4: 16px; --size-4-6: 24px; --size-4-8: 32px;
  --radius-s: 4px; --radius-m: 8px; --icon-s: 14px; --icon-m: 18px;
  background: var(--background-primary); color: var(--text-normal); }
.app-container { display: grid; grid-template-columns: 44px 1fr 360px; grid-template-rows: 1fr 26px; height: 100vh; }
.side-dock-ribbon { grid-row: 1 / 3; background: var(--background-secondary); border-right: 1px solid var(--background-modifier-border);
  display: flex; flex-direction: column; align-items: center; gap: 6px; padding-top: 10px; }
.side-dock-ribbon-action { width: 28px; height: 28px; display: flex; align-items: center; justify-content: center; cursor: pointer; border-radius: 4px; }
.side-dock-ribbon-action:hover { background: var(--background-modifier-hover); }
.svg-icon { width: 18px; height: 18px; fill: none; stroke: currentColor; stroke-width: 2; }
.workspace-split.mod-root { padding: 24px; color: var(--text-faint); }
.workspace-split.mod-right-split { background: var(--background-secondary); border-left: 1px solid var(--background-modifier-border); overflow: auto; }
.workspace-leaf.is-hidden { display: none; }
.view-header { height: 40px; display: flex; align-items: center; padding: 0 12px; border-bottom: 1px solid var(--background-modifier-border); font-size: var(--font-ui-small); color: var(--text-muted); }
.view-content { padding: var(--size-4-3); }
.status-bar { grid-column: 2 / 4; display: flex; justify-content: flex-end; align-items: center; gap: 8px; padding: 0 8px;
  background: var(--background-secondary); border-top: 1px solid var(--background-modifier-border); font-size: var(--font-ui-smaller); color: var(--text-muted); }
.status-bar-item { display: flex; align-items: center; gap: 4px; }
.notice-container { position: fixed; top: 12px; right: 12px; display: flex; flex-direction: column; gap: 8px; z-index: 10; }
.notice { background: var(--background-secondary); border: 1px solid var(--background-modifier-border); border-radius: 8px; padding: 10px 16px; max-width: 320px; font-size: var(--font-ui-small); }
.modal-container { position: fixed; inset: 0; display: flex; align-items: center; justify-content: center; z-index: 20; }
.modal-bg { position: absolute; inset: 0; background: rgba(0,0,0,0.55); }
.modal { position: relative; width: 620px; max-height: 90vh; overflow: auto; padding: 20px 24px; background: var(--background-primary);
  border: 1px solid var(--background-modifier-border); border-radius: 12px; }
.modal-title { font-size: var(--font-ui-large); font-weight: 600; margin-bottom: 12px; }
.modal-close-button { position: absolute; top: 12px; right: 16px; width: 16px; height: 16px; cursor: pointer; }
.modal-button-container { display: flex; justify-content: flex-end; gap: 8px; margin-top: 16px; }
.setting-item { display: flex; align-items: center; gap: 16px; padding: 10px 0; border-top: 1px solid var(--background-modifier-border); }
.setting-item-info { flex: 1 1 auto; }
.setting-item-name { color: var(--text-normal); font-size: var(--font-ui-medium); }
.setting-item-description { color: var(--text-muted); font-size: var(--font-ui-smaller); padding-top: 4px; }
.setting-item-heading .setting-item-name { font-weight: 600; }
.setting-item-control { display: flex; align-items: center; gap: 8px; }
input, select, textarea { background: var(--background-secondary); color: var(--text-normal); border: 1px solid var(--background-modifier-border); border-radius: 4px; padding: 4px 8px; }
button.mod-cta { background: var(--interactive-accent); color: #fff; }
button.mod-warning { background: var(--color-red); color: #fff; }
button { background: var(--interactive-normal); color: var(--text-normal); border: 1px solid var(--background-modifier-border); border-radius: 4px; padding: 4px 12px; cursor: pointer; }
`;

function forwardToDaemon(req: IncomingMessage, res: ServerResponse, daemon: URL): void {
  const headers = { ...req.headers };
  for (const name of ['host', 'origin', 'referer', 'connection', 'cookie']) delete headers[name];
  headers.host = daemon.host;
  const upstream = httpRequest(
    {
      hostname: daemon.hostname,
      port: daemon.port,
      method: req.method,
      path: (req.url ?? '/').replace(/^\/daemon/, '') || '/',
      headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  // A daemon that is not there looks, to the page, like a refused connection: drop the socket.
  upstream.on('error', () => req.socket.destroy());
  // The page went away mid-answer (a stopped stream): the daemon must see its client go too.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

/** The vault's files, vault-relative with '/', as Obsidian lists them (dot folders such as .obsidian left out). */
async function listVault(root: string, dir = ''): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true });
  const files: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) files.push(...(await listVault(root, path)));
    else files.push(path);
  }
  return files;
}

/** GET or PUT one file of the vault for the stand-in's Vault (the page cannot touch the disk); only inside the vault. */
function vaultFile(req: IncomingMessage, res: ServerResponse, vaultPath: string | undefined): void {
  const path = new URL(req.url ?? '/', 'http://harness').searchParams.get('path') ?? '';
  const file = vaultPath ? resolve(vaultPath, path) : '';
  if (!vaultPath || !path || !file.startsWith(resolve(vaultPath) + sep)) {
    res.writeHead(400).end('no such vault file');
    return;
  }
  if (req.method === 'PUT') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void mkdir(dirname(file), { recursive: true })
        .then(() => writeFile(file, Buffer.concat(chunks)))
        .then(
          () => res.writeHead(204).end(),
          (e: unknown) => res.writeHead(500).end(String(e)),
        );
    });
    return;
  }
  readFile(file, 'utf8').then(
    (text) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(text),
    () => res.writeHead(404).end('not found'),
  );
}

async function startServer(options: HarnessOptions): Promise<{ server: Server; url: string }> {
  const [bundle, styles] = await Promise.all([bundlePlugin(), readFile(join(REPO_ROOT, 'styles.css'), 'utf8')]);
  const daemon = new URL(options.daemonUrl);
  let origin = '';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/daemon' || path.startsWith('/daemon/')) return forwardToDaemon(req, res, daemon);
    if (path === '/vault-file') return vaultFile(req, res, options.vaultPath);
    const send = (type: string, body: string) => {
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/') {
      const vaultPath = options.vaultPath;
      void (vaultPath ? listVault(vaultPath) : Promise.resolve([])).then((vaultFiles) =>
        send(
          'text/html',
          pageHtml({
            language: options.language ?? 'en',
            vaultPath,
            vaultFiles,
            data: { version: 1, daemonUrl: `${origin}/daemon`, token: options.token, ...options.settings },
          }),
        ),
      );
      return;
    }
    if (path === '/harness.js') return send('text/javascript', bundle);
    if (path === '/styles.css') return send('text/css', styles);
    if (path === '/harness.css') return send('text/css', HARNESS_CSS);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url: origin };
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}; install Debian's package: apt-get install -y chromium`);
  }
  const { server, url } = await startServer(options);
  const userDataDir = await mkdtemp(join(tmpdir(), 'hisho-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1100, height: 640 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => window.hishoHarness !== undefined);
    await page.evaluate(() => window.hishoHarness.ready);
    if (errors.length > 0) throw new Error(`the page failed to load the plugin: ${errors.join('; ')}`);
    const ctx = context;
    return {
      page,
      url,
      openView: (type) => page.evaluate((t) => window.hishoHarness.openView(t), type),
      runCommand: (id) => page.evaluate((i) => window.hishoHarness.runCommand(i), id),
      async screenshot(name) {
        await mkdir(ARTIFACTS_DIR, { recursive: true });
        const path = join(ARTIFACTS_DIR, `${name}.png`);
        await page.screenshot({ path });
        return path;
      },
      async close() {
        await ctx.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await context?.close();
    server.close();
    await rm(userDataDir, { recursive: true, force: true });
    throw e;
  }
}
