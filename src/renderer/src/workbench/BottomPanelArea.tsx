import { startSashDrag } from './sashDrag'
import { useCallback, useState } from 'react'
import type { PointerEvent } from 'react'
import { isMac } from '../keyboard/useShortcuts'
import { useObservable } from '../util/useObservable'
import {
  bottomPanel,
  hideBottomPanel,
  MIN_PANEL_HEIGHT,
  savedPanelHeight,
  savePanelHeight,
  showBottomPanel,
} from './bottomPanelState'
import type { PanelProps } from './contributionTypes'
import { bottomPanels } from './contributions'
import { Icon } from './Icon'
import './bottomPanel.css'

const CLOSE_ICON = 'M6 6l12 12 M18 6L6 18'

/**
 * The panel under the editor (terminals; later problems, output): a tab per view, a button that
 * hides it (Ctrl+J shows it again) and a sash on its top edge. Views stay mounted while hidden,
 * so a terminal keeps its screen and its shell.
 */
export function BottomPanelArea(props: Omit<PanelProps, 'visible'>) {
  const state = useObservable(bottomPanel)
  const [height, setHeight] = useState(savedPanelHeight)

  const onPointerDown = useCallback(
    (e: PointerEvent<HTMLElement>) => {
      const startY = e.clientY
      const startH = height
      // The editor above keeps at least MIN_PANEL_HEIGHT too.
      const max = (): number => Math.max(MIN_PANEL_HEIGHT, window.innerHeight - 160)
      const clamp = (y: number): number => Math.max(MIN_PANEL_HEIGHT, Math.min(max(), startH + startY - y))
      startSashDrag(e, 'y', clamp, setHeight, savePanelHeight)
    },
    [height],
  )

  if (bottomPanels.length === 0) return null
  return (
    <section
      className="bottom-panel"
      data-testid="bottom-panel"
      hidden={!state.visible}
      style={{ height, maxHeight: 'calc(100% - 80px)' }}
    >
      <div
        className="sash-horizontal"
        onPointerDown={onPointerDown}
        role="separator"
        aria-orientation="horizontal"
      />
      <div className="bottom-panel-header">
        <div className="bottom-panel-tabs" role="tablist">
          {bottomPanels.map(({ id, title }) => (
            <button
              key={id}
              role="tab"
              className={id === state.active ? 'bottom-panel-tab active' : 'bottom-panel-tab'}
              aria-selected={id === state.active}
              data-testid={`bottom-tab-${id}`}
              onClick={() => showBottomPanel(id)}
            >
              {title}
            </button>
          ))}
        </div>
        <button
          className="icon-button"
          title={`Hide Panel (${isMac ? '⌘J' : 'Ctrl+J'})`}
          aria-label="Hide panel"
          data-testid="bottom-panel-hide"
          onClick={hideBottomPanel}
        >
          <Icon path={CLOSE_ICON} size={16} />
        </button>
      </div>
      {bottomPanels.map(({ id, component: View }) => (
        <div
          key={id}
          className="bottom-panel-view"
          data-testid={`bottom-view-${id}`}
          hidden={state.active !== id}
        >
          <View {...props} visible={state.visible && state.active === id} />
        </div>
      ))}
    </section>
  )
}
