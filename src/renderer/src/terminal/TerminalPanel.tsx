import { useEffect, useRef } from 'react'
import { isMac } from '../keyboard/useShortcuts'
import { useObservable } from '../util/useObservable'
import type { PanelProps } from '../workbench/contributionTypes'
import { Icon } from '../workbench/Icon'
import { terminalManager } from './terminalManager'
import './terminal.css'

const PLUS = 'M12 5v14 M5 12h14'
const TRASH = 'M4 7h16 M9 7V4h6v3 M6 7l1 13h10l1-13 M10 11v6 M14 11v6'

/**
 * The Terminal view of the bottom panel: the active terminal's screen, and on its right the list
 * of terminals with New and Kill. Starts a shell the first time it is shown.
 */
export function TerminalPanel({ api, openFile, visible }: PanelProps) {
  const manager = terminalManager(api)
  const tabs = useObservable(manager.tabs)
  const active = useObservable(manager.activeId)
  const message = useObservable(manager.message)
  const hostRef = useRef<HTMLDivElement>(null)

  useEffect(() => manager.setOpenFile(openFile), [manager, openFile])

  useEffect(() => {
    const host = hostRef.current
    if (!host) return
    const unmount = manager.mount(host)
    // Fit the screen whenever the panel changes size (sash, window, sidebar), once per frame.
    let frame = 0
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame)
      frame = requestAnimationFrame(() => manager.layout())
    })
    observer.observe(host)
    return () => {
      observer.disconnect()
      cancelAnimationFrame(frame)
      unmount()
    }
  }, [manager])

  useEffect(() => {
    // Shown (Ctrl+J, a restored layout): a shell if there is none; the keyboard stays where it is
    // (the commands that mean "go to the terminal" move it).
    if (visible) void manager.ensureOne()
  }, [visible, manager])

  const newKey = isMac ? '⌃⇧`' : 'Ctrl+Shift+`'
  return (
    <div className="terminal-panel" data-testid="terminal-panel">
      <div className="terminal-main">
        {message && (
          <div className="terminal-message" role="alert" data-testid="terminal-message">
            {message}
            <button
              className="icon-button"
              aria-label="Dismiss"
              onClick={() => manager.message.set(undefined)}
            >
              ×
            </button>
          </div>
        )}
        <div
          className="terminal-host"
          ref={hostRef}
          data-testid="terminal-host"
          tabIndex={-1}
          onKeyDown={(e) => {
            if (e.target === e.currentTarget && manager.keepTypeahead(e)) e.preventDefault()
          }}
        />
      </div>
      <div className="terminal-list" data-testid="terminal-list">
        <div className="terminal-actions">
          <button
            className="icon-button"
            title={`New Terminal (${newKey})`}
            aria-label="New terminal"
            data-testid="terminal-new"
            onClick={() => void manager.create()}
          >
            <Icon path={PLUS} size={16} />
          </button>
          <button
            className="icon-button"
            title="Kill Terminal"
            aria-label="Kill terminal"
            data-testid="terminal-kill"
            disabled={active === undefined}
            onClick={() => manager.kill()}
          >
            <Icon path={TRASH} size={16} />
          </button>
        </div>
        <ul role="listbox" aria-label="Terminals">
          {tabs.map((t, i) => (
            <li
              key={t.id}
              role="option"
              aria-selected={t.id === active}
              className={t.id === active ? 'terminal-tab active' : 'terminal-tab'}
              data-testid={`terminal-tab-${t.id}`}
              title={t.ended ?? `${t.title} (${i + 1})`}
              onClick={() => {
                manager.setActive(t.id)
                manager.focus()
              }}
            >
              <span className="terminal-tab-name">
                {t.title}
                {tabs.length > 1 ? ` ${i + 1}` : ''}
                {t.ended ? ' (ended)' : ''}
              </span>
              <button
                className="icon-button terminal-tab-kill"
                title="Kill Terminal"
                aria-label={`Kill ${t.title}${tabs.length > 1 ? ` ${i + 1}` : ''}`}
                onClick={(e) => {
                  e.stopPropagation()
                  manager.kill(t.id)
                }}
              >
                <Icon path={TRASH} size={14} />
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  )
}
