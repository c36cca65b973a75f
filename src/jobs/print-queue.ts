import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The print queue: a folder the mail room prints from (PRINT_QUEUE_DIR), one print-ready file per
 * letter. A letter is written whole or not at all (a temporary name, then a rename), so the mail
 * room never prints half a letter; a resend after a crash overwrites the same file.
 */
export interface PrintQueue {
  readonly dir: string;
  hand(fileName: string, content: string): Promise<string>;
  /** Deletes the letters handed over more than the retention before `now`: the mail room has had them. */
  purgeExpired(now: Date): Promise<number>;
}

const LETTER = /^letter-\d{10}\.html$/;
/** A letter being written, or left half-written by a crash: it holds a name and address too. */
const PART = /^letter-\d{10}\.html\.\d+\.part$/;

export function createPrintQueue(dir: string, retentionDays: number): PrintQueue {
  return {
    dir,
    async hand(fileName, content) {
      if (!LETTER.test(fileName)) throw new Error(`not a letter's file name: ${fileName}`);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const target = path.join(dir, fileName);
      const part = `${target}.${process.pid}.part`;
      await writeFile(part, content, { mode: 0o600 });
      await rename(part, target);
      return target;
    },
    async purgeExpired(now) {
      const before = now.getTime() - retentionDays * 86_400_000;
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw err;
      }
      let purged = 0;
      for (const name of names.filter((n) => LETTER.test(n) || PART.test(n))) {
        const file = path.join(dir, name);
        const { mtimeMs } = await stat(file);
        if (mtimeMs < before) {
          await unlink(file);
          purged += 1;
        }
      }
      return purged;
    },
  };
}
