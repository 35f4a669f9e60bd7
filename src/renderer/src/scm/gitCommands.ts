import type { Command, CommandContext } from '../commands/commandTypes'
import { applyStatus, diffRequest, gitStatus, refreshGit } from './gitState'
import { branchPicker, requestCommit } from './scmEvents'

const inRepo = (): boolean => gitStatus.get()?.state === 'repo'

/** Shows the source-control view and puts the cursor in its commit box. */
function showScm(ctx: CommandContext): void {
  ctx.showPanel('scm')
  requestAnimationFrame(() =>
    document.querySelector<HTMLTextAreaElement>('[data-testid="scm-message"]')?.focus(),
  )
}

function move(
  ctx: CommandContext,
  method: 'git.stage' | 'git.unstage',
  paths: string[],
  all: boolean,
): Promise<void> {
  return ctx.api.call(method, { paths, all }).then(
    (st) => applyStatus(st),
    () => showScm(ctx), // the view shows why on its next refresh
  )
}

/** Source control's commands (ids and keys as VS Code's where it has them). */
export const gitCommands: readonly Command[] = [
  {
    id: 'workbench.view.scm',
    category: 'View',
    title: 'Show Source Control',
    keys: ['mod+shift+g'],
    run: showScm,
  },
  {
    id: 'git.commit',
    category: 'Git',
    title: 'Commit',
    enabled: inRepo,
    run: (ctx) => {
      showScm(ctx)
      requestCommit()
    },
  },
  {
    id: 'git.refresh',
    category: 'Git',
    title: 'Refresh',
    run: (ctx) => refreshGit(ctx.api),
  },
  {
    id: 'git.stage',
    category: 'Git',
    title: 'Stage Changes of the Active File',
    enabled: (ctx) => inRepo() && ctx.activePath !== undefined,
    run: (ctx) => (ctx.activePath ? move(ctx, 'git.stage', [ctx.activePath], false) : undefined),
  },
  {
    id: 'git.stageAll',
    category: 'Git',
    title: 'Stage All Changes',
    enabled: inRepo,
    run: (ctx) => move(ctx, 'git.stage', [], true),
  },
  {
    id: 'git.unstageAll',
    category: 'Git',
    title: 'Unstage All Changes',
    enabled: inRepo,
    run: (ctx) => move(ctx, 'git.unstage', [], true),
  },
  {
    id: 'git.openChange',
    category: 'Git',
    title: 'Open Changes of the Active File',
    enabled: (ctx) => inRepo() && ctx.activePath !== undefined,
    run: (ctx) => {
      if (ctx.activePath) diffRequest.set({ path: ctx.activePath, staged: false })
    },
  },
  {
    id: 'git.checkout',
    category: 'Git',
    title: 'Checkout to…',
    enabled: inRepo,
    run: () => branchPicker.set('switch'),
  },
  {
    id: 'git.branch',
    category: 'Git',
    title: 'Create Branch…',
    enabled: inRepo,
    run: () => branchPicker.set('create'),
  },
  {
    id: 'git.init',
    category: 'Git',
    title: 'Initialize Repository',
    enabled: () => gitStatus.get()?.state === 'notRepo',
    run: (ctx) =>
      ctx.api.call('git.init', {}).then(
        (st) => {
          applyStatus(st)
          showScm(ctx)
        },
        () => showScm(ctx),
      ),
  },
]
