/**
 * Asserts that `check` becomes true, polling it (no fixed sleeps in assertions); fails after
 * `timeoutMs` with `what` in the message. It is an assertion itself, so a test that only waits for
 * its condition still counts as asserting (vitest's requireAssertions).
 */
import { expect } from 'vitest';

export async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await check();
    if (ok || Date.now() > deadline) {
      expect(ok, `timed out after ${timeoutMs} ms waiting for: ${what}`).toBe(true);
      return;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
