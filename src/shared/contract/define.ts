import type { z } from 'zod'

/** One request/response call: arguments and result both validated at runtime. */
export interface MethodSpec<A extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly args: A
  readonly result: R
}

/** One main → renderer notification. */
export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly payload: P
}

export const method = <A extends z.ZodType, R extends z.ZodType>(args: A, result: R): MethodSpec<A, R> => ({
  args,
  result,
})

export const event = <P extends z.ZodType>(payload: P): EventSpec<P> => ({ payload })
