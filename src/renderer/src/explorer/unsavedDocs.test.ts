import { afterEach, describe, expect, it } from 'vitest'
import { openDocuments } from '../documents/openDocuments'
import type { DocView } from '../documents/docView'
import { blockedByUnsaved, unsavedUnder } from './unsavedDocs'

const doc = (path: string, dirty: boolean): DocView => ({
  path,
  name: path.slice(path.lastIndexOf('/') + 1),
  status: 'ready',
  readOnly: false,
  dirty,
  saving: false,
})

afterEach(() => openDocuments.set({ docs: [], active: undefined }))

describe('a rename or move onto a tab with unsaved edits', () => {
  it('is refused with a sentence naming the tab; clean tabs and other paths are no obstacle', () => {
    openDocuments.set({
      docs: [doc('b.ts', true), doc('lib/x.ts', true), doc('c.ts', false), doc('libx.ts', true)],
      active: undefined,
    })
    expect(blockedByUnsaved('b.ts')).toBe('b.ts is open with unsaved changes. Save or close that tab first.')
    expect(blockedByUnsaved('lib')).toBe(
      'x.ts (under lib) is open with unsaved changes. Save or close that tab first.',
    )
    expect(blockedByUnsaved('c.ts')).toBeUndefined()
    expect(blockedByUnsaved('li')).toBeUndefined()
    expect(unsavedUnder('lib')).toEqual(['lib/x.ts'])
  })
})
