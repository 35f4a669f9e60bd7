import type { ResourceSnapshot } from '@shared/contract/resources'

/** A calm machine on AC; tests override the fields they care about. Test helper, not shipped. */
export function snapshotOf(patch: Partial<ResourceSnapshot> = {}): ResourceSnapshot {
  return {
    at: 0,
    cpuLoadPercent: 10,
    ownCpuPercent: 2,
    memUsedPercent: 40,
    battery: { present: true, percent: 80, charging: false },
    onBattery: false,
    thermalState: 'nominal',
    cpuTempC: null,
    speedLimitPercent: 100,
    suspended: false,
    locked: false,
    idleSeconds: 0,
    gpus: [],
    remotes: [],
    ...patch,
  }
}
