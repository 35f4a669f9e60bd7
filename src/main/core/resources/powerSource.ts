import type { ThermalState } from '@shared/contract/resources'

/**
 * What the operating system says about power, pushed as events. In the desktop app Electron's
 * `powerMonitor` feeds it (src/main/app/powerMonitorSource.ts); headless (`hearth serve`, CLI)
 * there is none and the monitor derives on-battery from the battery probe. Keeping it an
 * interface is what lets the core stay Electron-free and lets tests simulate a laptop.
 */
export interface PowerState {
  /** null: the source does not know (then the battery probe's acConnected decides). */
  onBattery: boolean | null
  thermalState: ThermalState
  /** Percent of full CPU speed the OS allows; null where unsupported. */
  speedLimitPercent: number | null
  suspended: boolean
  locked: boolean
}

export type PowerEvent =
  | 'on-battery'
  | 'on-ac'
  | 'thermal-state-change'
  | 'speed-limit-change'
  | 'suspend'
  | 'resume'
  | 'lock-screen'
  | 'unlock-screen'
  | 'battery-level'

export interface PowerSource {
  current(): PowerState
  /** Seconds since the last user input anywhere on the system; null where unknown. Cheap (sync). */
  idleSeconds(): number | null
  /**
   * Battery charge if the source itself knows it (the simulator does; Electron does not, so
   * the systeminformation probe supplies it there). undefined = ask the probe.
   */
  batteryPercent?(): number | null | undefined
  onChange(listener: (state: PowerState, event: PowerEvent) => void): () => void
  dispose?(): void
}

export const UNKNOWN_POWER: PowerState = {
  onBattery: null,
  thermalState: 'unknown',
  speedLimitPercent: null,
  suspended: false,
  locked: false,
}

/** Headless: no OS power events; every reading comes from the probes. */
export class NoPowerSource implements PowerSource {
  current(): PowerState {
    return UNKNOWN_POWER
  }
  idleSeconds(): null {
    return null
  }
  onChange(): () => void {
    return () => undefined
  }
}
