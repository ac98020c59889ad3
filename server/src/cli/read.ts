/** Reading one transcript file as linting does (shared by the subcommands and the language server). */
import fs from 'node:fs';
import { checkBytes, checkText } from './input.ts';

/** Read one transcript as linting does: BOM dropped, bytes checked; the reason it cannot be read otherwise. */
export function readTranscript(file: string): { text: string } | { error: string } {
  let bytes: Buffer;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) return { error: 'is a folder' };
    bytes = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'no such file' : (error as Error).message };
  }
  const problem = checkBytes(bytes);
  if (problem) return { error: problem };
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const other = checkText(text, undefined);
  return other ? { error: other } : { text };
}

