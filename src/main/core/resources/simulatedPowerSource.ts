import type { ThermalState } from '@shared/contract/resources'
import type { PowerEvent, PowerSource, PowerState } from './powerSource'

/**
 * A laptop on demand: for tests, the benchmark's "simulated battery" and `hearth serve
 * --simulate-power`. It speaks the same PowerSource interface as the Electron adapter and emits
 * the same events, so the monitor, policy and controller run unchanged.
 */
export class SimulatedPowerSource implements PowerSource {
  private state: PowerState
  private percent: number | null
  private idle: number | null
  private readonly listeners = new Set<(s: PowerState, e: PowerEvent) => void>()

  constructor(init: Partial<PowerState> & { batteryPercent?: number | null; idleSeconds?: number | null } = {}) {
    const { batteryPercent = 100, idleSeconds = 0, ...rest } = init
    this.state = { onBattery: false, thermalState: 'nominal', speedLimitPercent: 100, suspended: false, locked: false, ...rest }
    this.percent = batteryPercent
    this.idle = idleSeconds
  }

  current(): PowerState {
    return { ...this.state }
  }
  idleSeconds(): number | null {
    return this.idle
  }
  batteryPercent(): number | null {
    return this.percent
  }
  onChange(listener: (s: PowerState, e: PowerEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  unplug(percent?: number): void {
    if (percent !== undefined) this.percent = percent
    this.set({ onBattery: true }, 'on-battery')
  }
  plugIn(): void {
    this.set({ onBattery: false }, 'on-ac')
  }
  /** Battery level change (Electron has no such event; the simulator emits one so tests need not wait for a poll). */
  setBatteryPercent(percent: number): void {
    this.percent = percent
    this.emit('battery-level')
  }
  setThermal(thermalState: ThermalState): void {
    this.set({ thermalState }, 'thermal-state-change')
  }
  setSpeedLimit(speedLimitPercent: number): void {
    this.set({ speedLimitPercent }, 'speed-limit-change')
  }
  suspend(): void {
    this.set({ suspended: true }, 'suspend')
  }
  resume(): void {
    this.set({ suspended: false }, 'resume')
  }
  lock(): void {
    this.set({ locked: true }, 'lock-screen')
  }
  unlock(): void {
    this.set({ locked: false }, 'unlock-screen')
  }
  setIdleSeconds(s: number | null): void {
    this.idle = s
  }
  dispose(): void {
    this.listeners.clear()
  }

  private set(patch: Partial<PowerState>, event: PowerEvent): void {
    this.state = { ...this.state, ...patch }
    this.emit(event)
  }
  private emit(event: PowerEvent): void {
    for (const l of [...this.listeners]) l(this.current(), event)
  }
}
