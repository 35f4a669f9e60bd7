import { DEFAULT_PROMPT_BUDGET } from '../src/main/core/completion/promptBudget'

/** bench:fim's settings; most can be changed through the environment (docs/BENCHMARKS.md, FIM). */
export const MODEL = process.env.BENCH_FIM_MODEL ?? '/work/shared/models/stories260K-fim-test.gguf'
export const THREADS = Number(process.env.BENCH_THREADS ?? 1)
export const CONTEXT = 2048
export const HIT_RUNS = Number(process.env.BENCH_HIT_RUNS ?? 300)
export const MISS_RUNS = Number(process.env.BENCH_MISS_RUNS ?? 40)
export const ABORT_RUNS = Number(process.env.BENCH_ABORT_RUNS ?? 30)
/**
 * Throughput runs per side. 31, not 11: with 11 the ratio spread 0.89–0.98 across runs, with 31
 * 0.97–1.04 (docs/BENCHMARKS.md, FIM). ≈0.17 s a run.
 */
export const TPUT_RUNS = Number(process.env.BENCH_TPUT_RUNS ?? 31)
export const MISS_TOKENS = 24
/**
 * Rounds per miss position. 15, not 5: with 5, two identical direct engine calls already differed
 * by 1.8–9.4 ms at p95 across runs on the 2-core machine (the noise floor), often above the 5 ms
 * checked for; with 15 it was 1.1–3.5 ms (docs/BENCHMARKS.md, FIM).
 */
export const MISS_ROUNDS = Number(process.env.BENCH_MISS_ROUNDS ?? 15)
/**
 * The miss prompt is pruned small (≈450 + 110 characters) so the engine's own run-to-run jitter
 * (hundreds of ms for a 1,000-token prompt on a busy 2-core machine) does not drown the few ms
 * being measured; the request still carries a full-size prefix and suffix over the transport.
 */
export const MISS_BUDGET = { ...DEFAULT_PROMPT_BUDGET, prefixTokens: 128, suffixTokens: 32 }
export const TPUT_TOKENS = 256
/** Prompts per side in the flash attention comparison: ≈0.5 s per prompt for both sides. */
export const FA_PROMPTS = Number(process.env.BENCH_FA_PROMPTS ?? 20)
