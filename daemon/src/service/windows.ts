import { createRequire } from 'node:module';
import { win32 } from 'node:path';
import { vbsString, windowsArg, windowsCommandLine, xml } from './escape';
import type { ServiceContext, ServiceManifest, ServicePlan, Step } from './types';
import { DAEMON_NODE_FLAGS } from './node-flags';

export const WINDOWS_SERVICE_ID = 'hisho';
export const RUN_KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run';
export const RUN_VALUE = 'Hisho';

export function windowsFiles(ctx: { paths: { home: string } }) {
  const dir = win32.join(ctx.paths.home, 'service');
  return {
    dir,
    exe: win32.join(dir, 'hisho-service.exe'),
    exeConfig: win32.join(dir, 'hisho-service.exe.config'),
    xml: win32.join(dir, 'hisho-service.xml'),
    launcher: win32.join(dir, 'hisho-launch.vbs'),
    stopFile: win32.join(dir, 'stop'),
  };
}

function system32(ctx: { systemRoot?: string }, exe: string): string {
  return win32.join(ctx.systemRoot ?? 'C:\\Windows', 'System32', exe);
}

/**
 * The WinSW definition (node-windows bundles WinSW): service `hisho`, automatic start at boot,
 * restarts after 5 s, 30 s, then every 2 min (the count resets after an hour without failure),
 * WinSW's own output rolled by size in the log folder.
 */
export function winswXml(ctx: ServiceContext): string {
  const env = Object.entries(ctx.env)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `  <env name="${xml(k)}" value="${xml(v)}" />`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!-- Hisho (秘書) daemon for Obsidian. Written by `hisho service install`; removed by `hisho service uninstall`. -->',
    '<service>',
    `  <id>${WINDOWS_SERVICE_ID}</id>`,
    '  <name>Hisho</name>',
    '  <description>Hisho (秘書) daemon for Obsidian: keeps the vault index and the AI assistants running.</description>',
    `  <executable>${xml(ctx.paths.node)}</executable>`,
    ...DAEMON_NODE_FLAGS.map((f) => `  <argument>${xml(f)}</argument>`),
    // Quoted here when it has spaces: WinSW joins <argument>s into one command line.
    `  <argument>${xml(windowsArg(ctx.paths.entry))}</argument>`,
    '  <argument>serve</argument>',
    `  <workingdirectory>${xml(ctx.paths.home)}</workingdirectory>`,
    ...env,
    '  <startmode>Automatic</startmode>',
    '  <onfailure action="restart" delay="5 sec" />',
    '  <onfailure action="restart" delay="30 sec" />',
    '  <onfailure action="restart" delay="2 min" />',
    '  <resetfailure>1 hour</resetfailure>',
    '  <stoptimeout>20 sec</stoptimeout>',
    `  <logpath>${xml(ctx.paths.logs)}</logpath>`,
    '  <log mode="roll-by-size">',
    '    <sizeThreshold>10240</sizeThreshold>',
    '    <keepFiles>5</keepFiles>',
    '  </log>',
    '</service>',
    '',
  ]
    .join('\r\n');
}

/** Lets WinSW run on the .NET 4 runtime of current Windows (node-windows ships the same file). */
export const WINSW_EXE_CONFIG = [
  '<configuration>',
  '  <startup>',
  '    <supportedRuntime version="v2.0.50727" />',
  '    <supportedRuntime version="v4.0" />',
  '  </startup>',
  '</configuration>',
  '',
].join('\r\n');

/**
 * The per-user launcher, run by wscript.exe at logon: starts `node entry serve` with no window,
 * restarts it when it fails (5 s, doubling to 5 min; back to 5 s after 10 min of running), and
 * stops when the daemon exits cleanly or `hisho service stop` left the stop file.
 * Written as UTF-16 with a BOM: wscript reads other files in the ANSI code page, which would
 * garble a path like C:\Users\山田 太郎.
 */
export function logonLauncherVbs(ctx: ServiceContext): string {
  const files = windowsFiles(ctx);
  const command = windowsCommandLine([ctx.paths.node, ...DAEMON_NODE_FLAGS, ctx.paths.entry, 'serve']);
  return [
    "' Hisho (秘書) daemon for Obsidian: started at logon without a window, restarted when it fails.",
    "' Written by `hisho service install`; removed by `hisho service uninstall`.",
    'Option Explicit',
    'Dim shell, fso, env, stopFile, command, code, delay, started',
    'Set shell = CreateObject("WScript.Shell")',
    'Set fso = CreateObject("Scripting.FileSystemObject")',
    'Set env = shell.Environment("Process")',
    ...Object.entries(ctx.env)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `env(${vbsString(k)}) = ${vbsString(v)}`),
    `stopFile = ${vbsString(files.stopFile)}`,
    `command = ${vbsString(command)}`,
    'If fso.FileExists(stopFile) Then fso.DeleteFile stopFile, True',
    'delay = 5',
    'Do',
    '  started = Timer',
    '  code = shell.Run(command, 0, True)',
    '  If code = 0 Or fso.FileExists(stopFile) Then Exit Do',
    '  If Timer - started > 600 Or Timer < started Then delay = 5',
    '  WScript.Sleep delay * 1000',
    '  delay = delay * 2',
    '  If delay > 300 Then delay = 300',
    '  If fso.FileExists(stopFile) Then Exit Do',
    'Loop',
    'If fso.FileExists(stopFile) Then fso.DeleteFile stopFile, True',
    '',
  ].join('\r\n');
}

function launcherArgv(ctx: ServiceContext): string[] {
  return [system32(ctx, 'wscript.exe'), '//B', '//Nologo', windowsFiles(ctx).launcher];
}

export function windowsServiceInstall(ctx: ServiceContext): ServicePlan {
  const f = windowsFiles(ctx);
  return {
    action: 'install',
    kind: 'windows-service',
    summary: `Install Hisho as a Windows service ("${WINDOWS_SERVICE_ID}", through node-windows' WinSW), started at boot and restarted on failure`,
    steps: [
      { kind: 'mkdir', path: f.dir },
      { kind: 'mkdir', path: ctx.paths.logs },
      { kind: 'copy', from: ctx.paths.winsw ?? '<node-windows>\\bin\\winsw\\winsw.exe', to: f.exe },
      { kind: 'write', path: f.exeConfig, content: WINSW_EXE_CONFIG },
      { kind: 'write', path: f.xml, content: winswXml(ctx) },
      { kind: 'run', argv: [f.exe, 'install'], why: 'register the service with Windows' },
      { kind: 'run', argv: [f.exe, 'start'], why: 'start it now' },
    ],
    notes: [
      `Logs: ${ctx.paths.logs} (the daemon's own, and WinSW's hisho-service.*.log).`,
      'The service runs as LocalSystem with HISHO_HOME set to your folder, so it keeps running while no one is logged in.',
    ],
  };
}

export function windowsLogonInstall(ctx: ServiceContext, reason: 'not-admin' | 'asked'): ServicePlan {
  const f = windowsFiles(ctx);
  const launch = windowsCommandLine(launcherArgv(ctx));
  return {
    action: 'install',
    kind: 'windows-logon',
    summary: `Install a per-user start at logon for Hisho (the "${RUN_VALUE}" value of ${RUN_KEY}, running a hidden launcher), restarted on failure`,
    steps: [
      { kind: 'mkdir', path: f.dir },
      { kind: 'mkdir', path: ctx.paths.logs },
      { kind: 'write', path: f.launcher, content: logonLauncherVbs(ctx), encoding: 'utf16le-bom' },
      { kind: 'run', argv: [system32(ctx, 'reg.exe'), 'add', RUN_KEY, '/v', RUN_VALUE, '/t', 'REG_SZ', '/d', launch, '/f'], why: 'start the launcher at every logon' },
      { kind: 'run', argv: launcherArgv(ctx), why: 'start the daemon now, without a window', detached: true },
    ],
    notes: [
      reason === 'not-admin'
        ? 'You are not an administrator, so a per-user start at logon was chosen instead of a Windows service. For a service that runs at boot, run `hisho service install` again from a terminal opened with "Run as administrator".'
        : 'A per-user start at logon was chosen (--user) instead of a Windows service.',
      `Logs: ${ctx.paths.logs}.`,
    ],
  };
}

export function windowsUninstall(manifest: ServiceManifest, ctx: ServiceContext): ServicePlan {
  const f = windowsFiles(ctx);
  if (manifest.kind === 'windows-service') {
    const exe = manifest.files.find((p) => p.toLowerCase().endsWith('.exe')) ?? f.exe;
    return {
      action: 'uninstall',
      kind: 'windows-service',
      summary: `Remove the Windows service "${manifest.name}"`,
      steps: [
        { kind: 'run', argv: [exe, 'stop'], why: 'stop the service', mayFail: true },
        { kind: 'run', argv: [exe, 'uninstall'], why: 'unregister the service', mayFail: true },
        ...manifest.files.map((path) => ({ kind: 'remove' as const, path })),
      ],
      notes: [],
    };
  }
  const registry = manifest.registry ?? { key: RUN_KEY, value: RUN_VALUE };
  return {
    action: 'uninstall',
    kind: 'windows-logon',
    summary: `Remove the per-user start at logon ("${registry.value}" in ${registry.key})`,
    steps: [
      ...stopLogonSteps(ctx),
      { kind: 'run', argv: [system32(ctx, 'reg.exe'), 'delete', registry.key, '/v', registry.value, '/f'], why: 'stop starting it at logon', mayFail: true },
      ...manifest.files.map((path) => ({ kind: 'remove' as const, path })),
      { kind: 'remove', path: f.stopFile },
    ],
    notes: [],
  };
}

function stopLogonSteps(ctx: ServiceContext): Step[] {
  const f = windowsFiles(ctx);
  if (ctx.runningPid === undefined) return [];
  return [
    // The launcher sees this file and does not restart the daemon.
    { kind: 'write', path: f.stopFile, content: '' },
    { kind: 'run', argv: [system32(ctx, 'taskkill.exe'), '/PID', String(ctx.runningPid), '/T', '/F'], why: 'stop the running daemon', mayFail: true },
  ];
}

export function windowsStartStop(action: 'start' | 'stop', manifest: ServiceManifest, ctx: ServiceContext): ServicePlan {
  if (manifest.kind === 'windows-service') {
    const exe = manifest.files.find((p) => p.toLowerCase().endsWith('.exe')) ?? windowsFiles(ctx).exe;
    return {
      action,
      kind: 'windows-service',
      summary: `${action === 'start' ? 'Start' : 'Stop'} the Windows service "${manifest.name}"`,
      steps: [{ kind: 'run', argv: [exe, action], why: `${action} the daemon` }],
      notes: [],
    };
  }
  return {
    action,
    kind: 'windows-logon',
    summary: action === 'start' ? 'Start the daemon through the per-user launcher' : 'Stop the daemon started by the per-user launcher',
    steps: action === 'start' ? [{ kind: 'run', argv: launcherArgv(ctx), why: 'start the daemon without a window', detached: true }] : stopLogonSteps(ctx),
    notes: action === 'stop' && ctx.runningPid === undefined ? ['The daemon is not running; nothing to stop.'] : [],
  };
}

export function windowsStatusCommand(manifest: ServiceManifest, ctx: ServiceContext): string[] {
  return manifest.kind === 'windows-service'
    ? [system32(ctx, 'sc.exe'), 'query', manifest.name]
    : [system32(ctx, 'reg.exe'), 'query', manifest.registry?.key ?? RUN_KEY, '/v', manifest.registry?.value ?? RUN_VALUE];
}

/** `net session` succeeds only in an elevated (administrator) process. */
export function adminCheckCommand(ctx: { systemRoot?: string }): string[] {
  return [system32(ctx, 'net.exe'), 'session'];
}

/**
 * node-windows' bundled WinSW executable. node-windows is an optional, Windows-only dependency:
 * it is imported (dynamically) on Windows only; elsewhere, and when it is missing, undefined.
 */
export async function findWinsw(platform: string = process.platform): Promise<string | undefined> {
  if (platform !== 'win32') return undefined;
  try {
    // A variable specifier: no types needed, and bundlers leave the optional package alone.
    const specifier = 'node-windows';
    await import(/* @vite-ignore */ specifier);
    const require = createRequire(import.meta.url);
    return win32.join(win32.dirname(require.resolve('node-windows/package.json')), 'bin', 'winsw', 'winsw.exe');
  } catch {
    return undefined;
  }
}
