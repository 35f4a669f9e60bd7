import type { GpuReading, RemoteStatus, ResourceSnapshot } from '@shared/contract/resources'
import type { ProbeCostRecorder } from '../metrics/hearthMetrics'
import { defaultChanged, type Probe, type ProbeReading } from './probes/probe'
import { NoPowerSource, type PowerEvent, type PowerSource } from './powerSource'
import type { Disposable } from '../base/lifecycle'

export interface MonitorOptions {
  probes: Probe[]
  power?: PowerSource
  metrics?: ProbeCostRecorder
  /** The machine counts as idle (probing stops) after this many seconds without input. */
  quietAfterIdleSeconds?: number
  /** While quiet because idle, how often to look at the (free, synchronous) idle time. */
  idleCheckMs?: number
}

export type MonitorMode = 'active' | 'quiet' | 'suspended'

interface ProbeSlot {
  probe: Probe
  intervalMs: number
  timer?: NodeJS.Timeout
  inFlight?: AbortController
  last?: ProbeReading
  lastReadAt?: number
  lastCostMs?: number
  unsupported: boolean
  reads: number
  failures: number
  lastError?: string
}

export interface ProbeStatus {
  name: string
  cost: Probe['cost']
  intervalMs: number
  reads: number
  lastReadAt: number | null
  lastCostMs: number | null
  unsupported: boolean
  scheduled: boolean
  /** Reads that threw (the last good reading is kept), and the last error. */
  failures: number
  lastError: string | null
}

type Listener = (snapshot: ResourceSnapshot, cause: string) => void

/**
 * Samples the probes adaptively and merges their readings with the OS power state into one
 * ResourceSnapshot. Nothing runs while the machine sleeps; while it is locked or idle only the
 * battery is read, and only on battery (the policy must still notice it draining). Every timer
 * is unref'd so the monitor never keeps a process alive, and dispose() clears them all.
 */
export class ResourceMonitor implements Disposable {
  private slots: ProbeSlot[]
  private readonly power: PowerSource
  private readonly listeners = new Set<Listener>()
  private readonly offPower: () => void
  private mode: MonitorMode = 'active'
  private started = false
  private disposed = false
  private idleTimer?: NodeJS.Timeout
  private readonly quietAfter: number
  private readonly idleCheckMs: number
  /** Keyed by probe: several Triton or Ollama endpoints may be watched at once. */
  private readonly remote = new Map<Probe, RemoteStatus & { gpus?: GpuReading[] }>()
  private merged: Omit<ProbeReading, 'remote' | 'unsupported'> = {}

  constructor(private readonly opts: MonitorOptions) {
    this.power = opts.power ?? new NoPowerSource()
    this.slots = opts.probes.map(newSlot)
    this.quietAfter = opts.quietAfterIdleSeconds ?? 300
    this.idleCheckMs = opts.idleCheckMs ?? 60_000
    this.offPower = this.power.onChange((_s, e) => this.onPowerEvent(e))
  }

  /** First reading of every probe now, then each on its own cadence. */
  start(): void {
    if (this.started || this.disposed) return
    this.started = true
    this.applyMode(this.wantedMode(), 'start')
  }

  get currentMode(): MonitorMode {
    return this.mode
  }

  onSnapshot(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** The user did something in Hearth: leave idle-quiet mode at once. */
  wake(): void {
    if (this.mode === 'quiet' && !this.power.current().locked) this.applyMode('active', 'activity')
  }

  /** Reads every probe now (on resume, or for a test that cannot wait). */
  async refresh(): Promise<ResourceSnapshot> {
    await Promise.all(this.slots.map((s) => this.read(s, false)))
    return this.snapshot()
  }

  /**
   * Replaces the remote probes (cost 'remote': the active profile's Triton / Ollama servers) and
   * keeps the system ones. The old remote probes stop at once (timers cleared, reads in flight
   * aborted) and their readings leave the snapshot; the new ones are read now if sampling is on.
   */
  setRemoteProbes(probes: Probe[]): void {
    if (this.disposed) return
    const old = this.slots.filter((s) => s.probe.cost === 'remote')
    for (const s of old) {
      this.stopSlot(s)
      this.remote.delete(s.probe)
      s.probe.dispose?.()
    }
    const added = probes.map(newSlot)
    this.slots = [...this.slots.filter((s) => s.probe.cost !== 'remote'), ...added]
    // Remote probes do not run while quiet or suspended; applyMode picks them up on the way back.
    if (this.started && this.mode === 'active') for (const s of added) void this.read(s, true)
    if (old.length > 0) this.emit('remote-probes')
  }

  snapshot(): ResourceSnapshot {
    const p = this.power.current()
    const m = this.merged
    const batteryPercent = this.power.batteryPercent?.()
    const battery = {
      present: m.battery?.present ?? batteryPercent !== undefined,
      percent: batteryPercent !== undefined ? batteryPercent : (m.battery?.percent ?? null),
      charging: m.battery?.charging ?? null,
    }
    // The OS event is authoritative; headless, the battery probe's AC flag is all we have.
    const onBattery = p.onBattery ?? (m.battery?.present === true && m.battery.acConnected === false)
    const remotes = [...this.remote.values()]
    return {
      at: Date.now(),
      cpuLoadPercent: m.cpuLoadPercent ?? null,
      ownCpuPercent: m.ownCpuPercent ?? null,
      memUsedPercent: m.memUsedPercent ?? null,
      battery,
      onBattery,
      thermalState: p.thermalState,
      cpuTempC: m.cpuTempC ?? null,
      speedLimitPercent: p.speedLimitPercent,
      suspended: p.suspended,
      locked: p.locked,
      idleSeconds: this.power.idleSeconds(),
      gpus: [...(m.localGpus ?? []), ...remotes.flatMap((r) => r.gpus ?? [])],
      remotes: remotes.map(({ gpus: _gpus, ...r }) => r),
    }
  }

  probes(): ProbeStatus[] {
    return this.slots.map((s) => ({
      name: s.probe.name,
      cost: s.probe.cost,
      intervalMs: s.intervalMs,
      reads: s.reads,
      lastReadAt: s.lastReadAt ?? null,
      lastCostMs: s.lastCostMs ?? null,
      unsupported: s.unsupported,
      scheduled: s.timer !== undefined,
      failures: s.failures,
      lastError: s.lastError ?? null,
    }))
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    this.offPower()
    this.stopAll()
    this.listeners.clear()
    for (const s of this.slots) s.probe.dispose?.()
  }

  private wantedMode(): MonitorMode {
    const p = this.power.current()
    if (p.suspended) return 'suspended'
    if (p.locked) return 'quiet'
    const idle = this.power.idleSeconds()
    return idle !== null && idle >= this.quietAfter ? 'quiet' : 'active'
  }

  private onPowerEvent(e: PowerEvent): void {
    if (!this.started || this.disposed) return
    const mode = this.wantedMode()
    if (mode !== this.mode || e === 'on-battery' || e === 'on-ac') this.applyMode(mode, e)
    this.emit(e)
  }

  private applyMode(mode: MonitorMode, cause: string): void {
    const previous = this.mode
    this.mode = mode
    this.stopAll()
    if (mode === 'suspended') return
    const onBattery = this.snapshot().onBattery
    for (const s of this.slots) {
      if (mode === 'quiet' && !(s.probe.whileQuiet && onBattery)) continue
      // Coming back (start, resume, unlock, activity): read now, the world may have changed.
      const fresh =
        previous !== 'active' ||
        cause === 'start' ||
        s.last === undefined ||
        // Plugged in or out: the battery reading is stale now.
        ((cause === 'on-battery' || cause === 'on-ac') && s.probe.whileQuiet === true)
      if (mode === 'active' && fresh) {
        s.intervalMs = s.probe.baseMs
        void this.read(s, true)
      } else {
        this.schedule(s, mode === 'quiet' ? s.probe.maxMs : s.intervalMs)
      }
    }
    if (mode === 'quiet' && !this.power.current().locked) {
      // Idle (not locked): look at the idle time now and then; it costs a syscall, not a probe.
      this.idleTimer = setInterval(() => {
        if (this.wantedMode() !== 'quiet') this.applyMode(this.wantedMode(), 'idle-end')
      }, this.idleCheckMs)
      this.idleTimer.unref()
    }
  }

  private stopAll(): void {
    if (this.idleTimer) clearInterval(this.idleTimer)
    this.idleTimer = undefined
    for (const s of this.slots) this.stopSlot(s)
  }

  private stopSlot(s: ProbeSlot): void {
    if (s.timer) clearTimeout(s.timer)
    s.timer = undefined
    s.inFlight?.abort()
    s.inFlight = undefined
  }

  private schedule(s: ProbeSlot, ms: number): void {
    if (s.timer) clearTimeout(s.timer)
    s.timer = setTimeout(() => {
      s.timer = undefined
      void this.read(s, true)
    }, ms)
    s.timer.unref()
  }

  private async read(s: ProbeSlot, reschedule: boolean): Promise<void> {
    if (this.disposed || s.inFlight) return
    const ac = new AbortController()
    s.inFlight = ac
    const t0 = performance.now()
    let reading: ProbeReading | undefined
    try {
      reading = await s.probe.read(ac.signal)
    } catch (err) {
      // A failing probe is treated like an unchanged one: back off, keep the last good reading.
      if (!ac.signal.aborted) {
        s.failures++
        s.lastError = err instanceof Error ? err.message : String(err)
      }
    }
    if (s.inFlight === ac) s.inFlight = undefined
    // Aborted: stopped by a mode change, setRemoteProbes or dispose; its reading is not wanted.
    if (ac.signal.aborted || this.disposed) return
    const cost = performance.now() - t0
    s.lastCostMs = cost
    s.lastReadAt = Date.now()
    s.reads++
    this.opts.metrics?.observeProbe(cost, { probe: s.probe.name })

    const changed = reading !== undefined && (s.last === undefined || (s.probe.changed ?? defaultChanged)(s.last, reading))
    if (reading) {
      s.unsupported = reading.unsupported === true
      s.last = reading
      this.merge(s.probe, reading)
    }
    s.intervalMs = !reading
      ? s.probe.maxMs
      : s.unsupported
        ? (s.probe.unsupportedMs ?? 600_000)
        : changed
          ? s.probe.baseMs
          : Math.min(s.intervalMs * 2, s.probe.maxMs)

    // A cheap, frequent probe is the natural moment to notice the user walked away.
    const mode = this.wantedMode()
    if (mode !== this.mode) this.applyMode(mode, 'idle')
    else if (reschedule && (this.mode === 'active' || (s.probe.whileQuiet && this.snapshot().onBattery))) {
      this.schedule(s, this.mode === 'quiet' ? s.probe.maxMs : s.intervalMs)
    }
    if (changed) this.emit(s.probe.name)
  }

  private merge(probe: Probe, r: ProbeReading): void {
    const { remote, unsupported: _u, ...local } = r
    if (remote) this.remote.set(probe, remote)
    this.merged = { ...this.merged, ...local }
  }

  private emit(cause: string): void {
    if (this.listeners.size === 0) return
    const snap = this.snapshot()
    for (const l of [...this.listeners]) l(snap, cause)
  }
}

const newSlot = (probe: Probe): ProbeSlot => ({
  probe,
  intervalMs: probe.baseMs,
  unsupported: false,
  reads: 0,
  failures: 0,
})
