/**
 * The Node flags the daemon runs with wherever Hisho starts it: `npm start`, the startup services
 * (Windows, launchd, systemd) and the plugin's launcher (through the launch info).
 *
 * `--max-semi-space-size=4`: V8's young generation grows to three 16 MB semi-spaces by default, and
 * the daemon's garbage is short-lived (one request's rows, strings and passages), so under a burst of
 * searches or librarian questions the resident memory rose by about 50 MB and stayed there. With
 * 4 MB semi-spaces the PostgreSQL benchmark's peak RSS was 198–263 MB (six runs) instead of 241–293
 * MB, for a millisecond or two more on the slowest searches (docs/benchmarks.md). V8 reads the size only when it starts,
 * so it has to be a command-line flag (v8.setFlagsFromString has no effect on it).
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
