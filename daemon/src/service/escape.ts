/** Escaping for each definition format. Every function refuses control characters (no newline injection). */

function refuseControl(value: string, where: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new Error(`${where}: ${JSON.stringify(value)} contains a control character`);
  return value;
}

/** Text or attribute value in XML (WinSW definition, launchd plist). */
export function xml(value: string): string {
  return refuseControl(value, 'XML value')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * One word of a systemd ExecStart= or Environment= line: double-quoted, `\` and `"` escaped,
 * `%` doubled (specifiers) and `$` doubled (variable expansion in ExecStart).
 */
export function systemdWord(value: string): string {
  const escaped = refuseControl(value, 'systemd value').replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return `"${escaped}"`;
}

/** An Environment= assignment: systemd does not expand `$` there, only `%` specifiers. */
export function systemdEnvironment(name: string, value: string): string {
  const escaped = refuseControl(`${name}=${value}`, 'systemd value').replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%');
  return `"${escaped}"`;
}

/**
 * One argument on a Windows command line, as the C runtime (and node.exe) parse it: quoted when it
 * has spaces, tabs or quotes, with backslashes before a quote (or the end) doubled.
 */
export function windowsArg(value: string): string {
  refuseControl(value, 'Windows argument');
  if (value !== '' && !/[\s"]/.test(value)) return value;
  return `"${value.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

export function windowsCommandLine(argv: string[]): string {
  return argv.map(windowsArg).join(' ');
}

/** A VBScript string literal: `"` doubled. */
export function vbsString(value: string): string {
  return `"${refuseControl(value, 'VBScript string').replace(/"/g, '""')}"`;
}

/** For showing a command to a person (dry-run, messages): POSIX shell or Windows quoting. */
export function displayCommand(argv: string[], platform: string): string {
  if (platform === 'win32') return windowsCommandLine(argv);
  return argv.map((a) => (a !== '' && /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
