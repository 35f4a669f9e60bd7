/** A JSON object as read from a settings file. */
export type JsonObject = { [key: string]: unknown }

export const isPlainObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * RFC 7396 JSON merge patch: objects merge key by key, `null` deletes a key, anything else
 * (arrays included) replaces. Used both to layer settings (defaults ⊕ user ⊕ workspace) and to
 * apply `settings.update` patches, so "how a file overrides" and "how an update edits" agree.
 * Returns a new value; neither input is modified.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch)
  const out: JsonObject = isPlainObject(target) ? { ...target } : {}
  for (const [key, value] of Object.entries(patch)) {
    // A file must not reach Object.prototype through a "__proto__" key.
    if (key === '__proto__') continue
    if (value === null) delete out[key]
    else out[key] = mergePatch(out[key], value)
  }
  return out
}

/** Layers left to right, later wins; a layer's `null` removes what earlier layers set. */
export function mergeLayers<T>(base: T, ...layers: readonly unknown[]): T {
  let out: unknown = base
  for (const l of layers) out = mergePatch(out, l)
  return out as T
}

/**
 * Removes from `layer` the deepest part of `path` the layer itself sets, so the value beneath
 * (defaults or the user file) shows through. Never stops inside an array: arrays replace
 * wholesale, so half an array would be a new, different error. Returns the removed key path, or
 * undefined when the layer sets nothing on this path.
 */
export function pruneAt(layer: JsonObject, path: readonly PropertyKey[]): PropertyKey[] | undefined {
  let holder: JsonObject | undefined
  let holderKey: string | undefined
  let removeDepth = 0
  let node: unknown = layer
  for (let i = 0; i < path.length; i++) {
    if (!isPlainObject(node)) break
    const key = String(path[i])
    if (!Object.hasOwn(node, key)) break
    holder = node
    holderKey = key
    removeDepth = i + 1
    node = node[key]
    if (Array.isArray(node)) break
  }
  if (!holder || holderKey === undefined) return undefined
  delete holder[holderKey]
  return path.slice(0, removeDepth)
}

/** Does `layer` set anything at `path` or below a prefix of it? (error attribution) */
export function setsPath(layer: unknown, path: readonly PropertyKey[]): boolean {
  let node: unknown = layer
  for (const k of path) {
    if (!isPlainObject(node)) return Array.isArray(node)
    const key = String(k)
    if (!Object.hasOwn(node, key)) return false
    node = node[key]
  }
  return true
}

/** `profiles.remote.tasks.completion.chain[0].model` */
export function formatKey(path: readonly PropertyKey[]): string {
  let out = ''
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`
    else out += out === '' ? String(k) : `.${String(k)}`
  }
  return out
}
