import type { GpuReading, RemoteStatus } from '@shared/contract/resources'

/** A partial reading; the monitor merges the fields a probe returns into its snapshot. */
export interface ProbeReading {
  cpuLoadPercent?: number | null
  ownCpuPercent?: number | null
  memUsedPercent?: number | null
  battery?: { present: boolean; percent: number | null; charging: boolean | null; acConnected: boolean | null }
  cpuTempC?: number | null
  localGpus?: GpuReading[]
  remote?: RemoteStatus & { gpus?: GpuReading[] }
  /** This machine cannot measure it (no battery, no sensors, no NVIDIA GPU): ask again only rarely. */
  unsupported?: boolean
}

/**
 * One source of readings with its own sampling cadence. The monitor starts at `baseMs`,
 * doubles the interval (up to `maxMs`) while readings stay within `changed`'s tolerance, and
 * returns to `baseMs` as soon as they move — cheap probes often, costly or stable ones rarely.
 */
export interface Probe {
  readonly name: string
  readonly cost: 'cheap' | 'costly' | 'remote'
  readonly baseMs: number
  readonly maxMs: number
  /** Interval after an `unsupported` reading (default 10 min). */
  readonly unsupportedMs?: number
  /** Probed while the machine is locked/idle (only the battery, and only on battery). */
  readonly whileQuiet?: boolean
  read(signal: AbortSignal): Promise<ProbeReading>
  /** Whether next differs materially from prev (default: any field differs after rounding). */
  changed?(prev: ProbeReading, next: ProbeReading): boolean
  /** Frees what the probe holds (a worker thread); the monitor calls it on dispose. */
  dispose?(): void
}

/** Numbers differ by more than `tol` (null vs number counts as a change). */
export const moved = (a: number | null | undefined, b: number | null | undefined, tol: number): boolean =>
  (a ?? null) === null || (b ?? null) === null ? (a ?? null) !== (b ?? null) : Math.abs((a ?? 0) - (b ?? 0)) > tol

export const defaultChanged = (prev: ProbeReading, next: ProbeReading): boolean =>
  JSON.stringify(prev, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v) : v)) !==
  JSON.stringify(next, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))
