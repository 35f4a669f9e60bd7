import { isAbsolute, resolve } from 'node:path'

/** Where a GGUF named in settings lives on disk: absolute as given, else inside the models folder. */
export function embeddedModelPath(model: string, modelsDir: string | undefined): string {
  return isAbsolute(model) || !modelsDir ? resolve(model) : resolve(modelsDir, model)
}
