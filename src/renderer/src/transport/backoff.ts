/**
 * Reconnect delay: exponential from 250 ms, capped at 5 s, with ±20 % jitter so several tabs
 * do not hammer a restarting server in lockstep.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5000, 250 * 2 ** Math.max(0, attempt))
  return Math.round(base * (0.8 + 0.4 * random()))
}
