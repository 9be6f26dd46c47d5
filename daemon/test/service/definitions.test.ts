import { describe, expect, it } from 'vitest';
import { displayCommand, systemdWord, windowsArg, xml } from '../../src/service/escape';
import { formatPlan } from '../../src/service/format';
import { launchdPlist } from '../../src/service/launchd';
import { installPlan, startStopPlan, uninstallPlan } from '../../src/service/plan';
import { systemdUnit } from '../../src/service/systemd';
import { logonLauncherVbs, winswXml } from '../../src/service/windows';
import { linuxContext, macContext, windowsContext } from './fixtures';

const crlf = (s: string) => s.replace(/\r\n/g, '\n');

describe('service definitions, whole', () => {
  it('Windows service: the WinSW definition (XML-escaped, CRLF)', () => {
    const text = winswXml(windowsContext());
    expect(text).not.toMatch(/[^\r]\n/);
    expect(crlf(text)).toMatchInlineSnapshot(`
      "<?xml version="1.0" encoding="UTF-8"?>
      <!-- Hisho (秘書) daemon for Obsidian. Written by \`hisho service install\`; removed by \`hisho service uninstall\`. -->
      <service>
        <id>hisho</id>
        <name>Hisho</name>
        <description>Hisho (秘書) daemon for Obsidian: keeps the vault index and the AI assistants running.</description>
        <executable>C:\\Program Files\\nodejs\\node.exe</executable>
        <argument>--max-semi-space-size=4</argument>
        <argument>&quot;C:\\Users\\山田 太郎\\AppData\\Roaming\\npm\\node_modules\\hisho\\bin\\hisho.mjs&quot;</argument>
        <argument>serve</argument>
        <workingdirectory>C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho</workingdirectory>
        <env name="DATABASE_URL" value="postgres://hisho:p&amp;ss&lt;w&gt;@127.0.0.1:5432/hisho" />
        <env name="HISHO_HOME" value="C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho" />
        <env name="HISHO_LOG_DIR" value="D:\\ログ &quot;main&quot;" />
        <env name="HISHO_PORT" value="48766" />
        <startmode>Automatic</startmode>
        <onfailure action="restart" delay="5 sec" />
        <onfailure action="restart" delay="30 sec" />
        <onfailure action="restart" delay="2 min" />
        <resetfailure>1 hour</resetfailure>
        <stoptimeout>20 sec</stoptimeout>
        <logpath>C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\logs</logpath>
        <log mode="roll-by-size">
          <sizeThreshold>10240</sizeThreshold>
          <keepFiles>5</keepFiles>
        </log>
      </service>
      "
    `);
  });

  it('Windows per-user: the hidden launcher (VBScript strings, a quoted command line)', () => {
    expect(crlf(logonLauncherVbs(windowsContext({ user: { name: '山田 太郎', isAdmin: false } })))).toMatchInlineSnapshot(`
      "' Hisho (秘書) daemon for Obsidian: started at logon without a window, restarted when it fails.
      ' Written by \`hisho service install\`; removed by \`hisho service uninstall\`.
      Option Explicit
      Dim shell, fso, env, stopFile, command, code, delay, started
      Set shell = CreateObject("WScript.Shell")
      Set fso = CreateObject("Scripting.FileSystemObject")
      Set env = shell.Environment("Process")
      env("DATABASE_URL") = "postgres://hisho:p&ss<w>@127.0.0.1:5432/hisho"
      env("HISHO_HOME") = "C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho"
      env("HISHO_LOG_DIR") = "D:\\ログ ""main"""
      env("HISHO_PORT") = "48766"
      stopFile = "C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\service\\stop"
      command = """C:\\Program Files\\nodejs\\node.exe"" --max-semi-space-size=4 ""C:\\Users\\山田 太郎\\AppData\\Roaming\\npm\\node_modules\\hisho\\bin\\hisho.mjs"" serve"
      If fso.FileExists(stopFile) Then fso.DeleteFile stopFile, True
      delay = 5
      Do
        started = Timer
        code = shell.Run(command, 0, True)
        If code = 0 Or fso.FileExists(stopFile) Then Exit Do
        If Timer - started > 600 Or Timer < started Then delay = 5
        WScript.Sleep delay * 1000
        delay = delay * 2
        If delay > 300 Then delay = 300
        If fso.FileExists(stopFile) Then Exit Do
      Loop
      If fso.FileExists(stopFile) Then fso.DeleteFile stopFile, True
      "
    `);
  });

  it('macOS: the launchd agent plist', () => {
    expect(launchdPlist(macContext())).toMatchInlineSnapshot(`
      "<?xml version="1.0" encoding="UTF-8"?>
      <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
      <!-- Hisho (秘書) daemon for Obsidian. Written by \`hisho service install\`; removed by \`hisho service uninstall\`. -->
      <plist version="1.0">
      <dict>
      	<key>Label</key>
      	<string>hisho.daemon</string>
      	<key>ProgramArguments</key>
      	<array>
      		<string>/opt/homebrew/bin/node</string>
      		<string>--max-semi-space-size=4</string>
      		<string>/Users/山田 太郎/hisho &amp; co/bin/hisho.mjs</string>
      		<string>serve</string>
      	</array>
      	<key>EnvironmentVariables</key>
      	<dict>
      		<key>HISHO_HOME</key>
      		<string>/Users/山田 太郎/Library/Application Support/Hisho</string>
      		<key>HISHO_LOG_LEVEL</key>
      		<string>debug</string>
      	</dict>
      	<key>WorkingDirectory</key>
      	<string>/Users/山田 太郎/Library/Application Support/Hisho</string>
      	<key>RunAtLoad</key>
      	<true/>
      	<key>KeepAlive</key>
      	<dict>
      		<key>SuccessfulExit</key>
      		<false/>
      	</dict>
      	<key>ThrottleInterval</key>
      	<integer>30</integer>
      	<key>ProcessType</key>
      	<string>Background</string>
      	<key>StandardOutPath</key>
      	<string>/Users/山田 太郎/Library/Application Support/Hisho/logs/launchd.out.log</string>
      	<key>StandardErrorPath</key>
      	<string>/Users/山田 太郎/Library/Application Support/Hisho/logs/launchd.err.log</string>
      </dict>
      </plist>
      "
    `);
  });

  it('Linux: the systemd user unit (quoted, % and $ escaped)', () => {
    expect(systemdUnit(linuxContext())).toMatchInlineSnapshot(`
      "# Hisho (秘書) daemon for Obsidian: a systemd user service.
      # Written by \`hisho service install\`; removed by \`hisho service uninstall\`.
      [Unit]
      Description=Hisho daemon for Obsidian
      After=network.target
      StartLimitIntervalSec=15min
      StartLimitBurst=10

      [Service]
      Type=simple
      ExecStart="/usr/bin/node" "--max-semi-space-size=4" "/home/山田 太郎/src/hisho 100%% \\"$$HOME\\"/bin/hisho.mjs" "serve"
      Environment="HISHO_HOME=/home/山田 太郎/.config/hisho"
      Environment="REDIS_URL=redis://:pa$$%%w0rd@127.0.0.1:6379"
      Restart=on-failure
      RestartSec=5s
      RestartSteps=6
      RestartMaxDelaySec=5min
      TimeoutStopSec=20s
      KillSignal=SIGTERM

      [Install]
      WantedBy=default.target
      "
    `);
  });
});

describe('service command lines', () => {
  const argvs = (plan: { steps: Array<{ kind: string; argv?: string[] }> }) => plan.steps.filter((s) => s.argv).map((s) => [s.kind, ...(s.argv ?? [])]);

  it('Windows, administrator: a service through WinSW', () => {
    const { plan, manifest } = installPlan(windowsContext());
    expect(plan.kind).toBe('windows-service');
    expect(argvs(plan)).toMatchInlineSnapshot(`
      [
        [
          "run",
          "C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\service\\hisho-service.exe",
          "install",
        ],
        [
          "run",
          "C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\service\\hisho-service.exe",
          "start",
        ],
      ]
    `);
    expect(argvs(uninstallPlan(manifest, windowsContext()))).toMatchInlineSnapshot(`
      [
        [
          "run",
          "C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\service\\hisho-service.exe",
          "stop",
        ],
        [
          "run",
          "C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\service\\hisho-service.exe",
          "uninstall",
        ],
      ]
    `);
    expect(argvs(startStopPlan('stop', manifest, windowsContext()))).toMatchInlineSnapshot(`
      [
        [
          "run",
          "C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\service\\hisho-service.exe",
          "stop",
        ],
      ]
    `);
  });

  it('Windows, not an administrator: the Run key with a hidden launcher, and says so', () => {
    const ctx = windowsContext({ user: { name: '山田 太郎', isAdmin: false }, runningPid: 4242 });
    const { plan, manifest } = installPlan(ctx);
    expect(plan.kind).toBe('windows-logon');
    expect(plan.notes[0]).toContain('not an administrator');
    expect(argvs(plan)).toMatchInlineSnapshot(`
      [
        [
          "run",
          "C:\\Windows\\System32\\reg.exe",
          "add",
          "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
          "/v",
          "Hisho",
          "/t",
          "REG_SZ",
          "/d",
          "C:\\Windows\\System32\\wscript.exe //B //Nologo "C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\service\\hisho-launch.vbs"",
          "/f",
        ],
        [
          "run",
          "C:\\Windows\\System32\\wscript.exe",
          "//B",
          "//Nologo",
          "C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\service\\hisho-launch.vbs",
        ],
      ]
    `);
    // The value reg.exe stores, as Windows will run it at logon:
    const reg = plan.steps.find((s) => s.kind === 'run' && s.argv[1] === 'add');
    expect(reg?.kind === 'run' && reg.argv[8]).toBe('C:\\Windows\\System32\\wscript.exe //B //Nologo "C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\service\\hisho-launch.vbs"');
    expect(plan.steps.find((s) => s.kind === 'write' && s.path.endsWith('.vbs'))).toMatchObject({ encoding: 'utf16le-bom' });
    expect(argvs(uninstallPlan(manifest, ctx))).toMatchInlineSnapshot(`
      [
        [
          "run",
          "C:\\Windows\\System32\\taskkill.exe",
          "/PID",
          "4242",
          "/T",
          "/F",
        ],
        [
          "run",
          "C:\\Windows\\System32\\reg.exe",
          "delete",
          "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
          "/v",
          "Hisho",
          "/f",
        ],
      ]
    `);
    expect(installPlan(windowsContext(), { perUser: true }).plan.kind).toBe('windows-logon');
  });

  it('macOS and Linux', () => {
    const mac = installPlan(macContext());
    expect(argvs(mac.plan)).toMatchInlineSnapshot(`
      [
        [
          "run",
          "launchctl",
          "bootstrap",
          "gui/501",
          "/Users/山田 太郎/Library/LaunchAgents/hisho.daemon.plist",
        ],
      ]
    `);
    expect(argvs(uninstallPlan(mac.manifest, macContext()))).toMatchInlineSnapshot(`
      [
        [
          "run",
          "launchctl",
          "bootout",
          "gui/501/hisho.daemon",
        ],
      ]
    `);
    expect(argvs(startStopPlan('stop', mac.manifest, macContext()))).toMatchInlineSnapshot(`
      [
        [
          "run",
          "launchctl",
          "kill",
          "SIGTERM",
          "gui/501/hisho.daemon",
        ],
      ]
    `);
    const linux = installPlan(linuxContext());
    expect(argvs(linux.plan)).toMatchInlineSnapshot(`
      [
        [
          "check",
          "systemctl",
          "--user",
          "show-environment",
        ],
        [
          "run",
          "systemctl",
          "--user",
          "daemon-reload",
        ],
        [
          "run",
          "systemctl",
          "--user",
          "enable",
          "--now",
          "hisho.service",
        ],
      ]
    `);
    expect(argvs(uninstallPlan(linux.manifest, linuxContext()))).toMatchInlineSnapshot(`
      [
        [
          "run",
          "systemctl",
          "--user",
          "disable",
          "--now",
          "hisho.service",
        ],
        [
          "run",
          "systemctl",
          "--user",
          "daemon-reload",
        ],
      ]
    `);
  });

  it('escapes each format and refuses control characters', () => {
    expect(xml(`a&b<c>"d'`)).toBe('a&amp;b&lt;c&gt;&quot;d&apos;');
    expect(systemdWord('a "b" \\ 100% $X')).toBe('"a \\"b\\" \\\\ 100%% $$X"');
    expect(windowsArg('C:\\Program Files\\x\\')).toBe('"C:\\Program Files\\x\\\\"');
    expect(windowsArg('say "hi"')).toBe('"say \\"hi\\""');
    expect(windowsArg('plain')).toBe('plain');
    expect(displayCommand(['launchctl', 'bootstrap', 'gui/501', "/Users/山田 太郎/it's.plist"], 'darwin')).toBe(
      "launchctl bootstrap gui/501 '/Users/山田 太郎/it'\\''s.plist'",
    );
    expect(() => xml('a\nb')).toThrow(/control character/);
    expect(() => systemdUnit(linuxContext({ env: { HISHO_HOME: '/x\n[Service]' } }))).toThrow(/control character/);
  });
});

describe('dry-run output', () => {
  it('prints every step, every file whole and every command, passwords masked', () => {
    const text = formatPlan(installPlan(linuxContext()).plan, 'linux');
    expect(text).not.toContain('pa$$%w0rd');
    expect(text).toMatchInlineSnapshot(`
      "Plan (systemd-user, install): Install Hisho as a systemd user service (hisho.service), started at login and restarted on failure
      1. check: systemctl --user show-environment  (check that the systemd user instance is reachable)
      2. write /home/山田 太郎/.config/hisho/service.json (mode 600):
           | {
           |   "kind": "systemd-user",
           |   "version": "0.1.0",
           |   "installedAt": "2025-01-02T03:04:05.000Z",
           |   "files": [
           |     "/home/山田 太郎/.config/systemd/user/hisho.service"
           |   ],
           |   "name": "hisho.service",
           |   "definition": "/home/山田 太郎/.config/systemd/user/hisho.service",
           |   "logs": "/home/山田 太郎/.config/hisho/logs",
           |   "node": "/usr/bin/node",
           |   "entry": "/home/山田 太郎/src/hisho 100% \\"$HOME\\"/bin/hisho.mjs"
           | }
      3. create folder /home/山田 太郎/.config/systemd/user (if missing)
      4. create folder /home/山田 太郎/.config/hisho/logs (if missing)
      5. write /home/山田 太郎/.config/systemd/user/hisho.service (mode 600):
           | # Hisho (秘書) daemon for Obsidian: a systemd user service.
           | # Written by \`hisho service install\`; removed by \`hisho service uninstall\`.
           | [Unit]
           | Description=Hisho daemon for Obsidian
           | After=network.target
           | StartLimitIntervalSec=15min
           | StartLimitBurst=10
           | 
           | [Service]
           | Type=simple
           | ExecStart="/usr/bin/node" "--max-semi-space-size=4" "/home/山田 太郎/src/hisho 100%% \\"$$HOME\\"/bin/hisho.mjs" "serve"
           | Environment="HISHO_HOME=/home/山田 太郎/.config/hisho"
           | Environment="REDIS_URL=redis://:***@127.0.0.1:6379"
           | Restart=on-failure
           | RestartSec=5s
           | RestartSteps=6
           | RestartMaxDelaySec=5min
           | TimeoutStopSec=20s
           | KillSignal=SIGTERM
           | 
           | [Install]
           | WantedBy=default.target
      6. run: systemctl --user daemon-reload  (make systemd read the new unit)
      7. run: systemctl --user enable --now hisho.service  (start it now and at every login)
      8. write /home/山田 太郎/.config/hisho/launch.json (mode 600):
           | {
           |   "node": "/usr/bin/node",
           |   "args": [
           |     "--max-semi-space-size=4",
           |     "/home/山田 太郎/src/hisho 100% \\"$HOME\\"/bin/hisho.mjs"
           |   ],
           |   "cwd": "/home/山田 太郎/src/hisho 100% \\"$HOME\\"",
           |   "version": "0.1.0",
           |   "writtenBy": "service install",
           |   "writtenAt": "2025-01-02T03:04:05.000Z"
           | }
      Notes:
        - Logs: /home/山田 太郎/.config/hisho/logs (and \`journalctl --user -u hisho\`).
        - A user service starts when you log in. To start it at boot without logging in: \`loginctl enable-linger yamada\`.
      "
    `);
  });

  it('Windows: the per-user plan, with its encoding', () => {
    const text = formatPlan(installPlan(windowsContext({ user: { name: '山田 太郎', isAdmin: false } })).plan, 'win32');
    expect(text).not.toContain('p&ss<w>');
    expect(text).toMatchInlineSnapshot(`
      "Plan (windows-logon, install): Install a per-user start at logon for Hisho (the "Hisho" value of HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run, running a hidden launcher), restarted on failure
      1. write C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\service.json (mode 600):
           | {
           |   "kind": "windows-logon",
           |   "version": "0.1.0",
           |   "installedAt": "2025-01-02T03:04:05.000Z",
           |   "files": [
           |     "C:\\\\Users\\\\山田 太郎\\\\AppData\\\\Roaming\\\\Hisho\\\\service\\\\hisho-launch.vbs"
           |   ],
           |   "name": "Hisho",
           |   "registry": {
           |     "key": "HKCU\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run",
           |     "value": "Hisho"
           |   },
           |   "definition": "C:\\\\Users\\\\山田 太郎\\\\AppData\\\\Roaming\\\\Hisho\\\\service\\\\hisho-launch.vbs",
           |   "logs": "C:\\\\Users\\\\山田 太郎\\\\AppData\\\\Roaming\\\\Hisho\\\\logs",
           |   "node": "C:\\\\Program Files\\\\nodejs\\\\node.exe",
           |   "entry": "C:\\\\Users\\\\山田 太郎\\\\AppData\\\\Roaming\\\\npm\\\\node_modules\\\\hisho\\\\bin\\\\hisho.mjs"
           | }
      2. create folder C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\service (if missing)
      3. create folder C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\logs (if missing)
      4. write C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\service\\hisho-launch.vbs (UTF-16LE with BOM):
           | ' Hisho (秘書) daemon for Obsidian: started at logon without a window, restarted when it fails.
           | ' Written by \`hisho service install\`; removed by \`hisho service uninstall\`.
           | Option Explicit
           | Dim shell, fso, env, stopFile, command, code, delay, started
           | Set shell = CreateObject("WScript.Shell")
           | Set fso = CreateObject("Scripting.FileSystemObject")
           | Set env = shell.Environment("Process")
           | env("DATABASE_URL") = "postgres://hisho:***@127.0.0.1:5432/hisho"
           | env("HISHO_HOME") = "C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho"
           | env("HISHO_LOG_DIR") = "D:\\ログ ""main"""
           | env("HISHO_PORT") = "48766"
           | stopFile = "C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\service\\stop"
           | command = """C:\\Program Files\\nodejs\\node.exe"" --max-semi-space-size=4 ""C:\\Users\\山田 太郎\\AppData\\Roaming\\npm\\node_modules\\hisho\\bin\\hisho.mjs"" serve"
           | If fso.FileExists(stopFile) Then fso.DeleteFile stopFile, True
           | delay = 5
           | Do
           |   started = Timer
           |   code = shell.Run(command, 0, True)
           |   If code = 0 Or fso.FileExists(stopFile) Then Exit Do
           |   If Timer - started > 600 Or Timer < started Then delay = 5
           |   WScript.Sleep delay * 1000
           |   delay = delay * 2
           |   If delay > 300 Then delay = 300
           |   If fso.FileExists(stopFile) Then Exit Do
           | Loop
           | If fso.FileExists(stopFile) Then fso.DeleteFile stopFile, True
      5. run: C:\\Windows\\System32\\reg.exe add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v Hisho /t REG_SZ /d "C:\\Windows\\System32\\wscript.exe //B //Nologo \\"C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\service\\hisho-launch.vbs\\"" /f  (start the launcher at every logon)
      6. run: C:\\Windows\\System32\\wscript.exe //B //Nologo "C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\service\\hisho-launch.vbs"  (start the daemon now, without a window; detached)
      7. write C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\launch.json (mode 600):
           | {
           |   "node": "C:\\\\Program Files\\\\nodejs\\\\node.exe",
           |   "args": [
           |     "--max-semi-space-size=4",
           |     "C:\\\\Users\\\\山田 太郎\\\\AppData\\\\Roaming\\\\npm\\\\node_modules\\\\hisho\\\\bin\\\\hisho.mjs"
           |   ],
           |   "cwd": "C:\\\\Users\\\\山田 太郎\\\\AppData\\\\Roaming\\\\npm\\\\node_modules\\\\hisho",
           |   "version": "0.1.0",
           |   "writtenBy": "service install",
           |   "writtenAt": "2025-01-02T03:04:05.000Z"
           | }
      Notes:
        - You are not an administrator, so a per-user start at logon was chosen instead of a Windows service. For a service that runs at boot, run \`hisho service install\` again from a terminal opened with "Run as administrator".
        - Logs: C:\\Users\\山田 太郎\\AppData\\Roaming\\Hisho\\logs.
      "
    `);
  });
});
