/** OutageLog: one warning per outage (a burst of refused requests), however many requests it refuses. */
import { expect, it } from 'vitest';
import { OutageLog } from '../../src/server/outage-log';

it('warns at the first refusal of an outage only, and again at the next outage with the count of the previous one', () => {
  const lines: Array<{ level: string; message: string; extra?: Record<string, unknown> }> = [];
  let now = 1_000;
  const log = new OutageLog((level, message, extra) => lines.push({ level, message, extra }), 60_000, () => now);
  const why = { code: '57P01', message: 'terminating connection due to administrator command' };

  log.refused(why, { path: '/api/v1/roles', requestId: 'r1' });
  for (let i = 0; i < 20; i++) {
    now += 5_000; // a client retrying every 5 s keeps it one outage, for longer than the quiet time in total
    log.refused({ message: 'Connection terminated unexpectedly' }, { path: '/api/v1/workflows' });
  }
  expect(lines).toEqual([
    {
      level: 'warn',
      message: 'the database cannot be reached: requests are answered 503 database_unavailable until it answers again',
      extra: { reason: why.message, code: '57P01', path: '/api/v1/roles', requestId: 'r1' },
    },
  ]);

  now += 60_001;
  log.refused({ message: 'PGlite is closed' }, { path: '/api/v1/health' });
  expect(lines).toHaveLength(2);
  expect(lines[1]!.extra).toEqual({ reason: 'PGlite is closed', path: '/api/v1/health', requestId: undefined, refusedInPreviousOutage: 21 });
});
