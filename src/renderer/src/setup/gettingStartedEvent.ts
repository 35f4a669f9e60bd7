/**
 * Asks the app to show the getting-started page again (the status bar when no model serves
 * completions, Settings ▸ Models). A DOM event because the page belongs to the app's top level,
 * far from the items that open it.
 */
const EVENT = 'hearth:getting-started'

export function openGettingStarted(): void {
  window.dispatchEvent(new Event(EVENT))
}

export function onOpenGettingStarted(listener: () => void): () => void {
  window.addEventListener(EVENT, listener)
  return () => window.removeEventListener(EVENT, listener)
}
