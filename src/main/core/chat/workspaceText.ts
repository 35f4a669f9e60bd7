import { decodeText } from '../files/textCodec'
import type { PathGuard } from '../files/pathGuard'
import { readFile } from '../workspace/fileAccess'

/**
 * A workspace file's text for a question's sources: through the path guard and decoded as the
 * editor decodes it (BOM dropped, binary refused), but without the editor's version hash, and
 * without telling the workspace that an editor now holds the file (chat is not one).
 */
export async function readWorkspaceText(guard: PathGuard, path: string): Promise<string> {
  const { rel, buf } = await readFile(guard, path)
  return decodeText(buf, rel).text
}
