import { z } from 'zod'
import { event, method } from './define'
import { RelPath } from './workspace'

/**
 * Source control over the user's own `git`. Paths are workspace-relative (a workspace inside a
 * larger repository sees only its own part of it).
 */

/** How a file differs, as one letter (git's: Modified, Added, Deleted, Renamed, Copied, Type changed, Unmerged, ? untracked). */
export const GitChangeKind = z.enum(['M', 'A', 'D', 'R', 'C', 'T', 'U', '?'])
export type GitChangeKind = z.infer<typeof GitChangeKind>

export const GitChange = z.object({
  path: RelPath,
  /** Where a rename or copy came from. */
  origPath: RelPath.optional(),
  kind: GitChangeKind,
})
export type GitChange = z.infer<typeof GitChange>

/** One list of the view, capped: `more` is how many were left out. */
export const GitChangeGroup = z.object({
  changes: z.array(GitChange),
  more: z.number().int().nonnegative(),
})
export type GitChangeGroup = z.infer<typeof GitChangeGroup>

export const GitRepoStatus = z.object({
  state: z.literal('repo'),
  /** The branch checked out; null when HEAD is detached. */
  branch: z.string().nullable(),
  /** HEAD's short id; null before the first commit. */
  head: z.string().nullable(),
  upstream: z.string().optional(),
  ahead: z.number().int().optional(),
  behind: z.number().int().optional(),
  /** Index against HEAD. */
  staged: GitChangeGroup,
  /** Working tree against the index, untracked files included. */
  unstaged: GitChangeGroup,
  /** Both sides changed (a merge or rebase stopped on them). */
  conflicts: GitChangeGroup,
})
export type GitRepoStatus = z.infer<typeof GitRepoStatus>

export const GitStatus = z.discriminatedUnion('state', [
  GitRepoStatus,
  /** No `git` on PATH, no folder open, git refused the folder (ownership)…: `message` says what to do. */
  z.object({ state: z.literal('unavailable'), message: z.string() }),
  /** The folder is not in a repository: the view offers to initialize one. */
  z.object({ state: z.literal('notRepo'), message: z.string() }),
])
export type GitStatus = z.infer<typeof GitStatus>

export const GitPaths = z.object({
  /** Files to act on; `all` acts on every change of the workspace instead. */
  paths: z.array(RelPath).max(10_000).default([]),
  all: z.boolean().optional(),
})

export const GitDiffSides = z.object({
  path: RelPath,
  /** Text of the left side (HEAD for a staged change, the index for a working-tree change). */
  original: z.string(),
  /**
   * Text of the right side for a staged change (the index). Absent for a working-tree change:
   * the right side is the file itself, opened as usual.
   */
  modified: z.string().optional(),
  /** 'HEAD', 'Index', 'Working Tree': labels for the two sides. */
  originalLabel: z.string(),
  modifiedLabel: z.string(),
  /** Set when the sides cannot be shown as text (binary, too large): the sentence to show. */
  unavailable: z.string().optional(),
})
export type GitDiffSides = z.infer<typeof GitDiffSides>

export const GitBranch = z.object({
  name: z.string(),
  current: z.boolean(),
  /** Short id and subject of its last commit. */
  commit: z.string(),
  subject: z.string(),
})
export type GitBranch = z.infer<typeof GitBranch>

/** A branch name git would accept (checked again by `git check-ref-format`). */
const BranchName = z
  .string()
  .min(1)
  .max(250)
  .refine((s) => !s.startsWith('-'), 'a branch name cannot start with -')

export const gitMethods = {
  /** The status now (also refreshes every view through `git.changed`). */
  'git.status': method(z.object({}), GitStatus),
  'git.stage': method(GitPaths, GitStatus),
  'git.unstage': method(GitPaths, GitStatus),
  /**
   * Sets the index's copy of one file to `text`: staging or unstaging one hunk. Refused with
   * `conflict` when the index no longer holds `base` (the text the view computed it from).
   */
  'git.stageText': method(
    z.object({ path: RelPath, text: z.string().max(5 * 1024 * 1024), base: z.string().max(5 * 1024 * 1024) }),
    GitStatus,
  ),
  /** The texts to compare for one changed file: staged (HEAD ↔ index) or not (index ↔ file). */
  'git.diff': method(z.object({ path: RelPath, staged: z.boolean() }), GitDiffSides),
  /**
   * Commits what is staged. With nothing staged it fails with `conflict` and `details.nothingStaged`
   * (the view asks whether to stage everything); `stageAll` stages every change first.
   */
  'git.commit': method(
    z.object({ message: z.string().max(100_000), stageAll: z.boolean().optional() }),
    z.object({ commit: z.string(), summary: z.string(), status: GitStatus }),
  ),
  'git.branches': method(
    z.object({}),
    z.object({ branches: z.array(GitBranch), more: z.number().int().nonnegative() }),
  ),
  /** Switches to a branch (or a new one made at HEAD with `create`). */
  'git.checkout': method(z.object({ branch: BranchName, create: z.boolean().optional() }), GitStatus),
  /** `git init` in the workspace folder. */
  'git.init': method(z.object({}), GitStatus),
} as const

export const gitEvents = {
  /** The repository's state changed (files, index, HEAD, branch); the whole status, capped. */
  'git.changed': event(GitStatus),
} as const
