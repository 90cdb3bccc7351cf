import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Private file storage for rendered documents (receipts, certificates) under STORAGE_DIR. Files are never
 * served statically: the API streams them to their owner after an ownership check. Writes go to a temporary
 * file first and are renamed into place, so a reader never sees half a PDF and a rerun simply replaces it.
 * Temporaries live in their own directory (`.tmp/`), so a writer killed mid-write (kill -9, OOM) never leaves
 * a second file next to a document; leftovers older than an hour are swept once per process.
 */
const TMP_DIR = '.tmp';
const STALE_TMP_MS = 3600_000;

export class FileStorage {
  private swept: Promise<void> | undefined;

  constructor(private readonly root: string) {}

  private async sweepStaleTemporaries(dir: string): Promise<void> {
    const cutoff = Date.now() - STALE_TMP_MS;
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      const file = path.join(dir, name);
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat && stat.mtimeMs < cutoff) await fs.rm(file, { force: true });
    }
  }

  private resolve(key: string): string {
    const full = path.resolve(this.root, key);
    if (!full.startsWith(path.resolve(this.root) + path.sep)) throw new Error(`Storage key escapes the root: ${key}`);
    return full;
  }

  async write(key: string, data: Buffer): Promise<void> {
    const target = this.resolve(key);
    const tmpDir = path.join(path.resolve(this.root), TMP_DIR);
    await Promise.all([fs.mkdir(path.dirname(target), { recursive: true }), fs.mkdir(tmpDir, { recursive: true })]);
    this.swept ??= this.sweepStaleTemporaries(tmpDir).catch(() => undefined);
    const tmp = path.join(tmpDir, `${path.basename(target)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, target);
  }

  /** The file's bytes, or undefined when it does not exist (yet). */
  async read(key: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(this.resolve(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
}
