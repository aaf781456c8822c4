/**
 * Layer 2: files held as scoped resources. Stages hold them with `await using`, so a handle is
 * closed whether the stream ends, fails, or is stopped early; a sink's file only appears at its
 * path once everything is written and synced.
 */
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A file opened for reading, closed on dispose. */
export class InputFile implements AsyncDisposable {
  private constructor(
    readonly path: string,
    readonly handle: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<InputFile> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      return new InputFile(path, handle, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The file's bytes in fresh chunks of about `chunkSize` (each chunk is the caller's to keep). */
  async *chunks(chunkSize = 1 << 20, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    for (;;) {
      signal?.throwIfAborted();
      const buffer = new Uint8Array(chunkSize);
      const { bytesRead } = await this.handle.read(buffer, 0, chunkSize, null);
      if (bytesRead === 0) return;
      yield bytesRead === chunkSize ? buffer : buffer.subarray(0, bytesRead);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.handle.close();
  }
}

const FLUSH_BYTES = 1 << 20;

/**
 * A file written in a temporary file beside its destination, fsynced and renamed into place
 * only by `commit()` (then the folder is fsynced), so a reader never sees a half-written file.
 * Disposed without a commit — an error, an abort — it removes the temporary file.
 */
export class AtomicFile implements AsyncDisposable {
  private pending: (string | Uint8Array)[] = [];
  private pendingBytes = 0;
  private committed = false;
  bytesWritten = 0;

  private constructor(
    readonly path: string,
    readonly tempPath: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(path: string): Promise<AtomicFile> {
    const dir = dirname(path);
    await mkdir(dir, { recursive: true });
    // node:crypto here, not on import: workers read files through this module and never write one.
    const { randomBytes } = await import('node:crypto');
    const tempPath = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    return new AtomicFile(path, tempPath, await open(tempPath, 'wx'));
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const buffers = this.pending.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c));
    this.pending = [];
    this.pendingBytes = 0;
    const data = Buffer.concat(buffers);
    for (let offset = 0; offset < data.length; ) {
      const { bytesWritten } = await this.handle.write(data, offset);
      offset += bytesWritten;
    }
    this.bytesWritten += data.length;
  }

  /** Flushes, fsyncs and renames the file into place, then fsyncs the folder. */
  async commit(): Promise<void> {
    await this.flush();
    await this.handle.sync();
    await this.handle.close();
    await rename(this.tempPath, this.path);
    this.committed = true;
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.committed) return;
    await this.handle.close().catch(() => undefined);
    await unlink(this.tempPath).catch(() => undefined);
  }
}
