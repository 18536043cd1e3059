import { Buffer } from "node:buffer";
import { closeSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";

/** A file that rotates by size: `path` is written, `path.1` ... `path.<maxFiles>` are older. */
export class RotatingFile {
  #fd: number;
  #size: number;
  constructor(readonly path: string, readonly maxBytes: number, readonly maxFiles: number) {
    this.#fd = openSync(path, "a");
    this.#size = statSync(path).size;
  }

  /** Appends whole lines (`text` ends with a newline), rotating between lines when the file is full. */
  write(text: string): void {
    let bytes = Buffer.from(text);
    while (this.#size + bytes.length > this.maxBytes) {
      // The lines that still fit; a file that is empty takes at least one line, however long.
      let cut = bytes.lastIndexOf(10, this.maxBytes - this.#size - 1) + 1;
      if (cut === 0 && this.#size === 0) cut = bytes.indexOf(10) + 1;
      this.#append(bytes.subarray(0, cut));
      bytes = bytes.subarray(cut);
      this.#rotate();
    }
    this.#append(bytes);
  }

  #append(bytes: Uint8Array): void {
    if (bytes.length > 0) writeSync(this.#fd, bytes);
    this.#size += bytes.length;
  }

  #rotate(): void {
    closeSync(this.#fd);
    rmSync(`${this.path}.${this.maxFiles}`, { force: true });
    for (let i = this.maxFiles - 1; i >= 1; i--) {
      try {
        renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      } catch { /* not there yet */ }
    }
    if (this.maxFiles > 0) renameSync(this.path, `${this.path}.1`);
    else rmSync(this.path, { force: true });
    this.#fd = openSync(this.path, "a");
    this.#size = 0;
  }

  close(): void {
    closeSync(this.#fd);
  }
}

