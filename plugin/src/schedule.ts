/** Runs `fn` after `ms`; returns what cancels it. Engines take one, so their tests can run time by hand. */
export type Schedule = (fn: () => void, ms: number) => () => void;

/** The timers of the window the code runs in (a popout pane has its own). */
export const windowSchedule: Schedule = (fn, ms) => {
  const id = window.setTimeout(fn, ms);
  return () => window.clearTimeout(id);
};
