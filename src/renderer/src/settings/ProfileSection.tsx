import type { Profile } from '@shared/settings/schema'

/** One radio per profile; the active one checked, offline (loopback-only) ones marked. */
export function ProfileSection({
  profiles,
  selected,
  onSelect,
}: {
  profiles: Record<string, Profile>
  selected: string
  onSelect: (id: string) => void
}) {
  return (
    <section>
      <h3>Profile</h3>
      {Object.entries(profiles).map(([id, pr]) => (
        <label key={id} className="settings-profile" data-testid={`profile-${id}`}>
          <input type="radio" name="hearth-profile" checked={id === selected} onChange={() => onSelect(id)} />
          <span className="settings-profile-label">{pr.label}</span>
          {pr.network === 'loopback-only' && <span className="settings-badge">offline · loopback only</span>}
          <div className="settings-muted">{pr.description}</div>
        </label>
      ))}
    </section>
  )
}
