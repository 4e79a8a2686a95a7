import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where uploaded files live; local disk under the data folder, behind this small interface. */
export type Storage = {
  /** Stores bytes under a generated name in `area`; returns the key to find them again. */
  put(area: string, bytes: Buffer, extension: string): Promise<string>;
  get(key: string): Promise<Buffer>;
  stream(key: string): NodeJS.ReadableStream;
  remove(key: string): Promise<void>;
};

/** Local-disk storage rooted at `root`; keys never contain user-given names. */
export function diskStorage(root: string): Storage {
  const resolve = (key: string) => {
    if (!/^[a-z0-9-]+\/[A-Za-z0-9_-]+\.[a-z0-9]+$/.test(key)) throw new Error('invalid storage key');
    return path.join(root, key);
  };
  return {
    async put(area, bytes, extension) {
      const key = `${area}/${randomBytes(18).toString('base64url')}.${extension}`;
      await mkdir(path.join(root, area), { recursive: true });
      await writeFile(resolve(key), bytes);
      return key;
    },
    get: (key) => readFile(resolve(key)),
    stream: (key) => createReadStream(resolve(key)),
    remove: (key) => rm(resolve(key), { force: true }),
  };
}
