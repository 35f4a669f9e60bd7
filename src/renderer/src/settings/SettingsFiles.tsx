import type { SettingsView as SettingsData } from '@shared/contract/settings'

/** Which files the settings come from (user, and the workspace's when it has one). */
export function SettingsFiles({ files }: { files: SettingsData['files'] }) {
  return (
    <div className="settings-muted settings-files">
      User settings: <code>{files.user}</code>
      {files.workspace && (
        <>
          {' '}
          · workspace: <code>{files.workspace}</code>
        </>
      )}
    </div>
  )
}
