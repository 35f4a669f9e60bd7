import type { IndexSettings } from '@shared/settings/schema'
import type { SettingsPatch } from './types'

/**
 * What the workspace index takes in. Secret-looking files (`.env`, private keys, `.npmrc`…) stay
 * out of the index and of completion prompts unless this is on; the index lists them as skipped.
 * Only the user settings file can turn it on (a workspace file may only turn it off).
 */
export function IndexSection({
  index,
  onPatch,
}: {
  index: IndexSettings
  onPatch: (p: SettingsPatch) => void
}) {
  return (
    <section>
      <h3>Index</h3>
      <div className="settings-row">
        <label>
          <input
            type="checkbox"
            data-testid="index-include-secret-files"
            checked={index.includeSecretFiles}
            onChange={(e) => onPatch({ index: { includeSecretFiles: e.target.checked } })}
          />{' '}
          Index files that may contain secrets
        </label>{' '}
        <span className="settings-muted">
          .env, private keys, .npmrc… — their text would reach search, completion prompts and the embedding
          server
        </span>
      </div>
    </section>
  )
}
