import { describe, expect, it } from 'vitest'
import { chooseModel, promptComplexity } from './sizeRule'

const rule = {
  smallModel: 'small',
  largeModel: 'large',
  largeAbove: 1000,
  smallBelow: 100,
  respectLatencyBudget: true,
}

describe('size rule', () => {
  it('scores nesting on top of length', () => {
    expect(promptComplexity('abc')).toBe(3)
    expect(promptComplexity('f(a[b{c}])')).toBe(10 + 300)
  })

  it('picks large for complex prompts, small for tiny ones, the tier model otherwise', () => {
    const none = () => null
    expect(chooseModel('mid', rule, { complexity: 5000 }, none).model).toBe('large')
    expect(chooseModel('mid', rule, { complexity: 50 }, none).model).toBe('small')
    expect(chooseModel('mid', rule, { complexity: 500 }, none).model).toBe('mid')
    expect(chooseModel('mid', undefined, { complexity: 5000 }, none).model).toBe('mid')
  })

  it('steps down while the p95 exceeds the latency budget', () => {
    const p95 = (m: string) => ({ large: 900, mid: 400, small: 80 })[m] ?? null
    const r = chooseModel('mid', rule, { complexity: 5000, latencyBudgetMs: 300 }, p95)
    expect(r.model).toBe('small')
    expect(r.why).toMatch(/mid p95 400 ms > budget 300 ms/)
    expect(chooseModel('mid', rule, { complexity: 5000, latencyBudgetMs: 1000 }, p95).model).toBe('large')
  })
})
