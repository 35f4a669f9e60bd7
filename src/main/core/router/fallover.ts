import { HearthError } from '@shared/errors'
import type { Task } from '@shared/settings/schema'
import type { RouteSelector, Selection } from './selection'
import type { RuleHints } from './sizeRule'

/**
 * Failures that mean nothing reached a server (no socket, or the policy refused one): moving to
 * the next backend at once costs nothing and cannot duplicate work. Anything later — a timeout,
 * a stall, an error after text — is never retried: a late answer is worse than none, and a
 * retried one could run the same generation twice.
 */
export const NOTHING_SENT: ReadonlySet<string> = new Set(['refused', 'dns', 'policy'])

/** The next backend after one that nothing reached; none left → undefined. */
export function fallover(
  router: RouteSelector,
  task: Task,
  hints: RuleHints,
  tried: ReadonlySet<string>,
): Selection | undefined {
  try {
    return router.select(task, hints, tried)
  } catch {
    return undefined
  }
}

/**
 * The server answered at once that it lacks the model the size rule picked (the ticket noted it):
 * the same endpoint may still serve its tier's own model, as after a health check.
 */
export function tierModel(
  router: RouteSelector,
  task: Task,
  sel: Selection,
  hints: RuleHints,
): Selection | undefined {
  const tier = router.profile.tasks[task].chain[sel.tier]
  const others = new Set(tier?.endpoints.filter((e) => e !== sel.endpointId) ?? [])
  const again = router.selectInTier(task, sel.tier, hints, others)
  return again && again.model !== sel.model ? again : undefined
}

/**
 * The error the caller sees: the last failure, after the ones that moved the request on (the
 * first often says more: "connection refused" before "model file not found"), with any token a
 * server echoed removed.
 */
export function told(router: RouteSelector, before: readonly HearthError[], err: unknown): unknown {
  if (!(err instanceof HearthError)) return err
  const message = router.redact([...before.map((e) => e.message), err.message].join('; then '))
  return message === err.message ? err : new HearthError(err.code, message, err.details)
}
