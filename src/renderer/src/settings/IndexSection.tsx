import type { ReactNode } from 'react'
import type { IndexSettings } from '@shared/settings/schema'
import type { SettingsPatch } from './types'

/**
 * What the workspace index takes in, and the indexes this machine keeps. Secret-looking files
 * (`.env`, private keys, `.npmrc`…) stay out of the index and of completion prompts unless this is
 * on; the index lists them as skipped. Only the user settings file can turn it on (a workspace file
 * may only turn it off). The exclude globs leave paths out of the index and quick open on top of
 * .gitignore and .hearthignore; `indexList` is the list of indexes (it needs the core).
 */
export function IndexSection({
  index,
  onPatch,
  indexList,
}: {
  index: IndexSettings
  onPatch: (p: SettingsPatch) => void
  indexList?: ReactNode
}) {
  const globs = index.exclude.join('\n')
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
      <div className="settings-row">
        <label>
          Leave out (one glob a line, .gitignore syntax)
          <br />
          <textarea
            key={globs}
            className="settings-input"
            data-testid="index-exclude"
            rows={3}
            spellCheck={false}
            defaultValue={globs}
            placeholder={'*.gen.ts\nfixtures/'}
            onBlur={(e) => {
              const next = e.currentTarget.value
                .split('\n')
                .map((l) => l.trim())
                .filter((l) => l !== '')
              if (next.join('\n') !== globs) onPatch({ index: { exclude: next } })
            }}
          />
        </label>{' '}
        <span className="settings-muted">
          Also left out: what .gitignore and .hearthignore say (a <code>!pattern</code> in .hearthignore
          brings a path back), and node_modules, build, dist, out, target… where git does not track them. The
          index status lists what was left out and why.
        </span>
      </div>
      <div className="settings-row">
        <label>
          <input
            type="checkbox"
            data-testid="index-remove-unused"
            checked={index.removeUnusedAfterDays !== null}
            onChange={(e) => onPatch({ index: { removeUnusedAfterDays: e.target.checked ? 90 : null } })}
          />{' '}
          Remove indexes of folders not opened for
        </label>{' '}
        <input
          key={index.removeUnusedAfterDays ?? 'off'}
          type="number"
          min={1}
          className="settings-number"
          disabled={index.removeUnusedAfterDays === null}
          defaultValue={index.removeUnusedAfterDays ?? 90}
          onBlur={(e) => {
            const v = Number(e.currentTarget.value)
            if (Number.isInteger(v) && v >= 1 && v !== index.removeUnusedAfterDays)
              onPatch({ index: { removeUnusedAfterDays: v } })
          }}
        />{' '}
        days <span className="settings-muted">(when Hearth starts)</span>
      </div>
      {indexList}
    </section>
  )
}
