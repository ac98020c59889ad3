/**
 * Reading the small files settings come from (a `.transcriptrc.json`, a
 * codebook, an ignore file) so that no path can hang or exhaust the reader:
 * only a regular file is opened, never a FIFO (which blocks until a writer
 * comes) or a device (`/dev/zero` never ends), and never more than a limit.
 */
import fs from 'node:fs';

/** Settings files are a few kilobytes; anything near this is not one. */
export const MAX_SETTINGS_FILE_BYTES = 16 * 1024 * 1024;

/** What a path is, in words, for a message ("a FIFO (named pipe)"). */
export function kindOf(stat: fs.Stats): string {
  if (stat.isFile()) return 'a file';
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function megabytes(bytes: number): string {
  return bytes >= 1e6 ? `${Math.round(bytes / 1e6).toLocaleString('en-US')} MB` : `${Math.ceil(bytes / 1e3).toLocaleString('en-US')} KB`;
}

/**
 * The text of a regular file of at most `maxBytes`; throws an `Error` whose
 * message says why not (not a regular file, too large, or the system's own
 * reason). The file is checked before it is opened, opened without blocking,
 * checked again, and read no further than the limit (it may grow meanwhile).
 */
export function readTextFileLimited(file: string, maxBytes = MAX_SETTINGS_FILE_BYTES): string {
  const stat = fs.statSync(file);
  if (!stat.isFile()) throw new Error(`it is ${kindOf(stat)}, not a regular file: it was not read`);
  if (stat.size > maxBytes) throw new Error(`it is ${megabytes(stat.size)}, more than the ${megabytes(maxBytes)} a settings file may be: it was not read`);
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const opened = fs.fstatSync(fd);
    if (!opened.isFile()) throw new Error(`it is ${kindOf(opened)}, not a regular file: it was not read`);
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1 << 16, maxBytes + 1 - length));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      length += n;
      if (length > maxBytes) throw new Error(`it is more than the ${megabytes(maxBytes)} a settings file may be: it was not read`);
    }
    return Buffer.concat(chunks, length).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
