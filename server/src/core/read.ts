/**
 * Reading the small files settings come from (a `.transcriptrc.json`, a
 * codebook, an ignore file) so that no path can hang or exhaust the reader:
 * only a regular file is opened, never a FIFO (which blocks until a writer
 * comes) or a device (`/dev/zero` never ends), and never more than a limit.
 */
import fs from 'node:fs';

/** Settings files are a few kilobytes; anything near this is not one. */
export const MAX_SETTINGS_FILE_BYTES = 16_000_000;

/** A path that is not a regular file, or too large to read: it was not opened. */
export class UnreadableFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

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

/** A FIFO waits for a writer, a socket cannot be read as a file, a folder is none: never opened. */
function unopenable(stat: fs.Stats): boolean {
  return stat.isFIFO() || stat.isSocket() || stat.isDirectory();
}

/**
 * The text of a file of at most `maxBytes`; throws an `Error` whose message
 * says why not (a FIFO, a socket or a folder, too large, or the system's own
 * reason). The path is checked before it is opened, opened without blocking,
 * checked again, and read no further than the limit: a device such as
 * /dev/null reads as what it is, and /dev/zero stops at the limit.
 */
export function readTextFileLimited(file: string, maxBytes = MAX_SETTINGS_FILE_BYTES): string {
  const stat = fs.statSync(file);
  if (unopenable(stat)) throw new UnreadableFileError(file, `it is ${kindOf(stat)}, not a regular file: it was not read`);
  if (stat.isFile() && stat.size > maxBytes) throw new UnreadableFileError(file, `it is ${megabytes(stat.size)}, more than the ${megabytes(maxBytes)} a settings file may be: it was not read`);
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const opened = fs.fstatSync(fd);
    if (unopenable(opened)) throw new UnreadableFileError(file, `it is ${kindOf(opened)}, not a regular file: it was not read`);
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1 << 16, maxBytes + 1 - length));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      length += n;
      if (length > maxBytes) throw new UnreadableFileError(file, `it is ${opened.isFile() ? '' : `${kindOf(opened)} that gives `}more than the ${megabytes(maxBytes)} a settings file may be: it was not read`);
    }
    return Buffer.concat(chunks, length).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
