/**
 * The shipped models, read once, on first use, from the weight file beside
 * the bundle (`dist/technique-model.bin`) or, when running from source, from
 * `weights/technique-model.bin` next to this file. No network, ever.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModels, type ModelFile } from './format.ts';

export const MODEL_FILE_NAME = 'technique-model.bin';

/** Where the weight file may be: beside the bundle, then beside the sources. */
export function modelFileCandidates(): string[] {
  const out: string[] = [];
  if (process.env.TRANSCRIPT_MODEL_FILE) out.push(process.env.TRANSCRIPT_MODEL_FILE);
  // A CommonJS bundle (dist/*.cjs) knows its directory; the ES module sources know their URL.
  if (typeof __dirname === 'string') out.push(path.join(__dirname, MODEL_FILE_NAME));
  const url = import.meta.url;
  if (url) out.push(fileURLToPath(new URL(`./weights/${MODEL_FILE_NAME}`, url)));
  return out;
}

let loaded: ModelFile | undefined;
let failure: Error | undefined;

/** The models, loading them on first use; throws a readable error when the file is missing or damaged. */
export function models(): ModelFile {
  if (loaded) return loaded;
  if (failure) throw failure;
  const tried = modelFileCandidates();
  const file = tried.find((f) => fs.existsSync(f));
  try {
    if (!file) throw new Error(`the technique model file ${MODEL_FILE_NAME} is missing (looked in ${tried.join(', ')}); run \`npm run train\``);
    try {
      loaded = decodeModels(fs.readFileSync(file));
    } catch (error) {
      throw new Error(`the technique model file ${file} cannot be read (${(error as Error).message}); run \`npm run train\``);
    }
    return loaded;
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw failure;
  }
}

/** Use these models instead of the shipped ones (training experiments and tests); undefined: back to the file. */
export function useModels(file: ModelFile | undefined): void {
  loaded = file;
  failure = undefined;
}
