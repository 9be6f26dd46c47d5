/** A small structured logger: one JSON line per event on stderr. Never pass secrets or note text. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type Log = (level: Exclude<LogLevel, 'silent'>, message: string, extra?: Record<string, unknown>) => void;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createLog(min: LogLevel, write: (line: string) => void = (line) => process.stderr.write(line)): Log {
  return (level, message, extra) => {
    if (ORDER[level] < ORDER[min]) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...extra })}\n`);
  };
}
