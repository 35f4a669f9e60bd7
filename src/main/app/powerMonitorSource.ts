import { powerMonitor, type PowerMonitor } from 'electron'
import type { PowerEvent, PowerSource, PowerState } from '../core/resources/powerSource'

/** The slice of Electron's powerMonitor we use (a structural type, so the adapter is testable without Electron). */
export type PowerMonitorLike = Pick<
  PowerMonitor,
  'on' | 'off' | 'getSystemIdleTime' | 'getSystemIdleState' | 'getCurrentThermalState' | 'isOnBatteryPower'
>

type Thermal = PowerState['thermalState']

/**
 * Electron's powerMonitor as the core's PowerSource. Electron only exists here; the core sees
 * plain events. Platform gaps (thermal state and speed limit are macOS/Windows, lock events
 * are not on every Linux desktop) simply stay 'unknown'/null, which the policy reads as "no
 * reason to throttle". Must be created after `app.whenReady()`.
 */
export class PowerMonitorSource implements PowerSource {
  private state: PowerState
  private readonly listeners = new Set<(s: PowerState, e: PowerEvent) => void>()
  private readonly detach: (() => void)[] = []

  constructor(private readonly pm: PowerMonitorLike = powerMonitor) {
    this.state = {
      onBattery: safe(() => pm.isOnBatteryPower(), null),
      thermalState: safe<Thermal>(() => pm.getCurrentThermalState(), 'unknown'),
      speedLimitPercent: null,
      suspended: false,
      // 60 s: only used to ask "is the screen locked right now" at start.
      locked: safe(() => pm.getSystemIdleState(60) === 'locked', false),
    }
    this.listen('on-battery', () => ({ onBattery: true }))
    this.listen('on-ac', () => ({ onBattery: false }))
    this.listen('suspend', () => ({ suspended: true }))
    this.listen('resume', () => ({ suspended: false }))
    this.listen('lock-screen', () => ({ locked: true }))
    this.listen('unlock-screen', () => ({ locked: false }))
    const onThermal = (details: { state: Thermal }): void =>
      this.set({ thermalState: details.state }, 'thermal-state-change')
    const onSpeed = (details: { limit: number }): void =>
      this.set({ speedLimitPercent: details.limit }, 'speed-limit-change')
    pm.on('thermal-state-change', onThermal)
    pm.on('speed-limit-change', onSpeed)
    this.detach.push(
      () => pm.off('thermal-state-change', onThermal),
      () => pm.off('speed-limit-change', onSpeed),
    )
  }

  current(): PowerState {
    return { ...this.state }
  }

  idleSeconds(): number | null {
    return safe<number | null>(() => this.pm.getSystemIdleTime(), null)
  }

  onChange(listener: (s: PowerState, e: PowerEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  dispose(): void {
    for (const d of this.detach.splice(0)) d()
    this.listeners.clear()
  }

  private listen(
    event: 'on-battery' | 'on-ac' | 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen',
    patch: () => Partial<PowerState>,
  ): void {
    const handler = (): void => this.set(patch(), event)
    // The overloads of `on` are per event name; a union argument needs the common signature.
    const pm = this.pm as unknown as {
      on(e: string, l: () => void): void
      off(e: string, l: () => void): void
    }
    pm.on(event, handler)
    this.detach.push(() => pm.off(event, handler))
  }

  private set(patch: Partial<PowerState>, event: PowerEvent): void {
    this.state = { ...this.state, ...patch }
    const snapshot = this.current()
    for (const l of [...this.listeners]) l(snapshot, event)
  }
}

/** Some calls exist only on some platforms (getCurrentThermalState on macOS); never let that crash startup. */
function safe<T>(f: () => T | undefined, fallback: T): T {
  try {
    return f() ?? fallback
  } catch {
    return fallback
  }
}
