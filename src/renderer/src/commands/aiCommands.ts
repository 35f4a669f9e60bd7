import { describeIndexStatus } from '../search/IndexStatus'
import { openGettingStarted } from '../setup/gettingStartedEvent'
import { userState } from '../session/userState'
import type { Command, CommandContext } from './commandTypes'
import { completionsActive, pauseCompletions, PAUSE_MINUTES, setCompletionsOff } from './completionsSwitch'
import { explainNow, type CursorFacts } from './explainNoSuggestion'
import { workbenchOf } from './workbenchActions'

function cursorFacts(ctx: CommandContext): CursorFacts | undefined {
  const ed = ctx.editor
  const model = ed?.getModel()
  const pos = ed?.getPosition()
  if (!ed || !model || !pos || model.uri.scheme !== 'hearth' || !ctx.activePath) return undefined
  const line = model.getLineContent(pos.lineNumber)
  return {
    path: ctx.activePath,
    readOnly: ed.getRawOptions().readOnly === true,
    before: line.slice(Math.max(0, pos.column - 2), pos.column - 1),
    after: line.slice(pos.column - 1, pos.column),
  }
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/** Scrolls Settings to a section once the panel is shown. */
function showSettingsSection(ctx: CommandContext, testId: string): void {
  ctx.showPanel('settings')
  requestAnimationFrame(() =>
    document.querySelector(`[data-testid="${testId}"]`)?.scrollIntoView({ block: 'start' }),
  )
}

/** Commands of the AI side: completions, models, profiles, the index (the chat's are in chat/chatCommands.ts). */
export const aiCommands: readonly Command[] = [
  {
    id: 'completions.turnOff',
    category: 'Completions',
    title: 'Turn Off',
    enabled: () => !userState.get().completions.off,
    run: () => setCompletionsOff(true),
  },
  {
    id: 'completions.turnOn',
    category: 'Completions',
    title: 'Turn On',
    enabled: () => userState.get().completions.off,
    run: () => setCompletionsOff(false),
  },
  {
    id: 'completions.pause',
    category: 'Completions',
    title: `Pause for ${PAUSE_MINUTES} Minutes`,
    enabled: () => completionsActive(),
    run: () => pauseCompletions(),
  },
  {
    id: 'completions.resume',
    category: 'Completions',
    title: 'Resume',
    enabled: () => !userState.get().completions.off && !completionsActive(),
    run: () => setCompletionsOff(false),
  },
  {
    id: 'completions.explain',
    category: 'Completions',
    title: 'Explain Why There Is No Suggestion',
    run: async (ctx) => {
      const lines = await explainNow(ctx.api, userState.get().completions, cursorFacts(ctx))
      workbenchOf(ctx).showInfo('Why no suggestion here', lines)
    },
  },
  {
    id: 'models.manage',
    category: 'Models',
    title: 'Manage Models',
    run: (ctx) => showSettingsSection(ctx, 'settings-models'),
  },
  {
    id: 'models.gettingStarted',
    category: 'Models',
    title: 'Set Up a Model (Getting Started)',
    run: () => openGettingStarted(),
  },
  {
    id: 'profiles.switch',
    category: 'Profiles',
    title: 'Switch Profile…',
    run: async (ctx) => {
      const wb = workbenchOf(ctx)
      const list = await ctx.api.call('profiles.list', {})
      const items = list.profiles.map((p) => ({
        id: p.id,
        label: p.label,
        detail: `${p.id === list.active ? 'active · ' : ''}${p.description}`,
      }))
      const picked = await wb.pick(items, 'Pick the profile to use')
      if (!picked || picked.id === list.active) return
      try {
        await ctx.api.call('profiles.select', { id: picked.id })
      } catch (err) {
        wb.showInfo('Could not switch profile', [message(err)])
      }
    },
  },
  {
    id: 'index.rebuild',
    category: 'Index',
    title: 'Rebuild',
    run: async (ctx) => {
      try {
        const r = await ctx.api.call('index.rebuild', { force: true })
        if (!r.started) workbenchOf(ctx).showInfo('Index', ['No folder is indexed now: open a folder first.'])
      } catch (err) {
        workbenchOf(ctx).showInfo('Could not rebuild the index', [message(err)])
      }
    },
  },
  {
    id: 'index.showStatus',
    category: 'Index',
    title: 'Show Status',
    run: async (ctx) => {
      try {
        const d = describeIndexStatus(await ctx.api.call('index.status', {}))
        workbenchOf(ctx).showInfo(d.text, d.title.split('\n'))
      } catch (err) {
        workbenchOf(ctx).showInfo('Index status unavailable', [message(err)])
      }
    },
  },
]
