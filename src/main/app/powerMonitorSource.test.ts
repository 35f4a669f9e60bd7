import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'

// The Electron binary is not installed here; the adapter only needs powerMonitor's shape, so
// the module import is replaced and the test hands in an EventEmitter with the same methods,
// emitting the events with the payloads Electron documents.
vi.mock('electron', () => ({ powerMonitor: {} }))
const { PowerMonitorSource } = await import('./powerMonitorSource')
type Pm = ConstructorParameters<typeof PowerMonitorSource>[0]

class FakePowerMonitor extends EventEmitter {
  idle = 12
  getSystemIdleTime = (): number => this.idle
  getSystemIdleState = (): 'active' | 'idle' | 'locked' | 'unknown' => 'active'
  getCurrentThermalState = (): 'unknown' | 'nominal' | 'fair' | 'serious' | 'critical' => 'nominal'
  isOnBatteryPower = (): boolean => true
}

describe('PowerMonitorSource', () => {
  it('reads the initial state and turns powerMonitor events into PowerSource events', () => {
    const pm = new FakePowerMonitor()
    const src = new PowerMonitorSource(pm as unknown as Pm)
    expect(src.current()).toEqual({
      onBattery: true,
      thermalState: 'nominal',
      speedLimitPercent: null,
      suspended: false,
      locked: false,
    })
    expect(src.idleSeconds()).toBe(12)
    const seen: string[] = []
    src.onChange((s, e) => seen.push(`${e}:${JSON.stringify(s)}`))
    pm.emit('on-ac')
    pm.emit('thermal-state-change', { state: 'serious' })
    pm.emit('speed-limit-change', { limit: 40 })
    pm.emit('suspend')
    pm.emit('resume')
    pm.emit('lock-screen')
    expect(seen.map((s) => s.split(':')[0])).toEqual([
      'on-ac',
      'thermal-state-change',
      'speed-limit-change',
      'suspend',
      'resume',
      'lock-screen',
    ])
    expect(src.current()).toEqual({
      onBattery: false,
      thermalState: 'serious',
      speedLimitPercent: 40,
      suspended: false,
      locked: true,
    })
    src.dispose()
    expect(pm.eventNames()).toEqual([])
  })

  it('survives platforms without thermal state or idle time', () => {
    const pm = new FakePowerMonitor()
    pm.getCurrentThermalState = () => {
      throw new Error('not supported on this platform')
    }
    pm.getSystemIdleTime = () => {
      throw new Error('no X server')
    }
    const src = new PowerMonitorSource(pm as unknown as Pm)
    expect(src.current().thermalState).toBe('unknown')
    expect(src.idleSeconds()).toBeNull()
    src.dispose()
  })
})
