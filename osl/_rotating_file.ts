import { Buffer } from "node:buffer";
import { accessSync, constants, existsSync } from "node:fs";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/** Bytes waiting for the disk past which the writer asks its sources to wait (backpressure). */
const HIGH_WATER = 1024 * 1024;
/** Most bytes waiting for the disk whatever the sources do; beyond it the newest lines are dropped. */
const MAX_PENDING = 16 * 1024 * 1024;
/** First and longest wait before writing again after an error, in ms. */
const RETRY_MS = 500, MAX_RETRY_MS = 30_000;

/**
 * Why `file` cannot be a log file (its directory does not exist or is not writable,
 * or the file is not writable), or undefined when it can.
 */
export function logFileProblem(file: string): string | undefined {
  const dir = dirname(resolve(file));
  try {
    accessSync(dir, constants.W_OK);
    if (existsSync(file)) accessSync(file, constants.W_OK);
    return undefined;
  } catch (error) {
    return `must be a writable file in an existing, writable directory (${(error as Error).message})`;
  }
}

/**
 * A log file that rotates by size (`path` is written, `path.1` ... `path.<maxFiles>`
 * are older), written asynchronously so a slow disk never stalls the runtime. It never
 * throws: a failing write or open (ENOSPC, EACCES, EIO, a removed directory) is reported
 * once per episode through `onError`, the lines meanwhile are dropped, and writing is
 * tried again after a backoff (0.5 s doubling to 30 s) until it succeeds.
 */
export class RotatingFile {
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #writing: Promise<void> | undefined;
  #handle: FileHandle | undefined;
  #size = 0;
  #failing = false;
  #retryAt = 0;
  #retryMs = RETRY_MS;
  #closed = false;

  readonly path: string;
  readonly maxBytes: number;
  readonly maxFiles: number;
  readonly mode: number;
  readonly onError: (error: unknown) => void;
  constructor(
    path: string,
    maxBytes: number,
    maxFiles: number,
    mode: number,
    onError: (error: unknown) => void,
  ) {
    this.path = path;
    this.maxBytes = maxBytes;
    this.maxFiles = maxFiles;
    this.mode = mode;
    this.onError = onError;
  }

  /** Queues whole lines (`bytes` end with a newline; kept as given); dropped while failing or past `MAX_PENDING`. */
  write(bytes: Uint8Array): void {
    if (this.#closed || (this.#failing && performance.now() < this.#retryAt)) return;
    if (this.#pendingBytes + bytes.length > MAX_PENDING) return;
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
    this.#writing ??= this.#drain().finally(() => (this.#writing = undefined));
  }

  /** A promise to wait for while more than `HIGH_WATER` bytes wait for the disk (undefined: go on). */
  backlog(): Promise<void> | undefined {
    return this.#pendingBytes > HIGH_WATER ? this.#writing : undefined;
  }

  /** Writes what is queued, then closes the file. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#writing;
    await this.#handle?.close().catch(() => {});
    this.#handle = undefined;
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const bytes = Buffer.concat(this.#pending);
      this.#pending = [];
      try {
        await this.#write(bytes);
        this.#pendingBytes -= bytes.length;
        this.#failing = false;
        this.#retryMs = RETRY_MS;
      } catch (error) {
        if (!this.#failing) this.onError(error); // one report per episode
        this.#failing = true;
        this.#retryAt = performance.now() + this.#retryMs;
        this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
        this.#pending = []; // what was queued is lost with this episode
        this.#pendingBytes = 0;
        await this.#handle?.close().catch(() => {});
        this.#handle = undefined;
      }
    }
  }

  /** Appends `bytes`, rotating between lines when the file would pass `maxBytes`. */
  async #write(bytes: Uint8Array): Promise<void> {
    await this.#open();
    while (this.#size + bytes.length > this.maxBytes) {
      // The lines that still fit; a file that is empty takes at least one line, however long.
      const room = this.maxBytes - this.#size;
      let cut = room > 0 ? bytes.lastIndexOf(10, room - 1) + 1 : 0;
      if (cut === 0 && this.#size === 0) cut = bytes.indexOf(10) + 1;
      await this.#append(bytes.subarray(0, cut));
      bytes = bytes.subarray(cut);
      await this.#rotate();
    }
    await this.#append(bytes);
  }

  async #open(): Promise<void> {
    if (this.#handle !== undefined) return;
    this.#handle = await open(this.path, "a", this.mode);
    this.#size = (await this.#handle.stat()).size;
  }

  async #append(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) written += (await this.#handle!.write(bytes, written)).bytesWritten;
    this.#size += bytes.length;
  }

  async #rotate(): Promise<void> {
    await this.#handle!.close();
    this.#handle = undefined;
    await rm(`${this.path}.${this.maxFiles}`, { force: true });
    for (let i = this.maxFiles - 1; i >= 1; i--) {
      await rename(`${this.path}.${i}`, `${this.path}.${i + 1}`).catch(() => {});
    }
    if (this.maxFiles > 0) await rename(this.path, `${this.path}.1`);
    else await rm(this.path, { force: true });
    await this.#open();
  }
}
