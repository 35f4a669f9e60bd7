import type { BudgetsWire } from '@shared/contract/resources'
import type { Budgets } from './budgets'

/** JSON has no Infinity: an unthrottled embedding rate travels as null. */
export function toBudgetsWire(b: Budgets): BudgetsWire {
  return {
    background: {
      ...b.background,
      embedPerMinute: Number.isFinite(b.background.embedPerMinute) ? b.background.embedPerMinute : null,
    },
    completion: { ...b.completion },
  }
}

export function fromBudgetsWire(w: BudgetsWire): Budgets {
  return {
    background: { ...w.background, embedPerMinute: w.background.embedPerMinute ?? Number.POSITIVE_INFINITY },
    completion: { ...w.completion },
  }
}
