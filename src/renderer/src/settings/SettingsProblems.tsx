import type { SettingsProblem } from '@shared/settings/schema'

/** The last call's error, and every problem with the settings files, each pointing at file → key. */
export function SettingsProblems({
  error,
  problems,
}: {
  error: string | undefined
  problems: SettingsProblem[]
}) {
  return (
    <>
      {error && (
        <div className="settings-error" role="alert">
          {error}
        </div>
      )}
      {problems.length > 0 && (
        <ul className="settings-problems" data-testid="settings-problems">
          {problems.map((pr, i) => (
            <li key={i} className={`settings-problem-${pr.severity}`}>
              <code>{pr.file}</code>
              {pr.key && (
                <>
                  {' '}
                  → <code>{pr.key}</code>
                </>
              )}
              : {pr.message}
            </li>
          ))}
        </ul>
      )}
    </>
  )
}
