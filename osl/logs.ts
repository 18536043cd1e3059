import { Buffer } from "node:buffer";
import { closeSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";

/**
 * How a process child's output is kept (osProcess `logs`).
 *
 * - `lines`: how many of the latest lines `OsProcessRef.logs()` keeps. @default 1000
 * - `maxLineLength`: a longer line is cut into pieces of this many characters, so one
 *   endless line cannot exhaust memory. @default 65536
 * - `file`: append every line (stdout and stderr) to this file. @default none
 * - `maxBytes`: rotate the file before it would grow past this size, in bytes. @default 10485760 (10 MiB)
 * - `maxFiles`: rotated files kept (`file.1` newest ... `file.<maxFiles>`). @default 5
 */
export interface LogOptions {
  lines?: number;
  maxLineLength?: number;
  file?: string;
  maxBytes?: number;
  maxFiles?: number;
}

/** Validates `options`; `fail(field, rule, value)` builds the error to throw. */
export function validateLogOptions(options: LogOptions | undefined, fail: (field: string, rule: string, value: unknown) => Error): void {
  if (options === undefined) return;
  for (const key of ["lines", "maxLineLength", "maxBytes", "maxFiles"] as const) {
    const value = options[key];
    const min = key === "maxLineLength" || key === "maxBytes" ? 1 : 0;
    if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
      throw fail(`logs.${key}`, `must be an integer of at least ${min}`, value);
    }
  }
  if (options.file !== undefined && (typeof options.file !== "string" || options.file === "")) {
    throw fail("logs.file", "must be a non-empty path", options.file);
  }
}

/** One captured line of output. */
export interface LogLine {
  stream: "stdout" | "stderr";
  line: string;
  /** Date.now() when it was read, ms. */
  time: number;
}

/** Splits a byte stream into lines; a line is emitted whole even when split across chunks. */
class LineSplitter {
  #decoder = new TextDecoder();
  #partial = "";
  constructor(readonly maxLineChars: number, readonly emit: (line: string) => void) {}

  push(chunk: Uint8Array): void {
    const text = this.#partial + this.#decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = text.indexOf("\n", start); nl !== -1; nl = text.indexOf("\n", start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl; // drop a CR of CRLF
      this.#cut(text.slice(start, end));
      start = nl + 1;
    }
    this.#partial = text.slice(start);
    while (this.#partial.length > this.maxLineChars) {
      this.emit(this.#partial.slice(0, this.maxLineChars));
      this.#partial = this.#partial.slice(this.maxLineChars);
    }
  }

  /** Emits what is left (a last line without a newline). */
  end(): void {
    const rest = this.#partial + this.#decoder.decode();
    this.#partial = "";
    if (rest !== "") this.#cut(rest);
  }

  #cut(line: string): void {
    for (let i = 0; i < line.length || i === 0; i += this.maxLineChars) this.emit(line.slice(i, i + this.maxLineChars));
  }
}

/** A file that rotates by size: `path` is written, `path.1` ... `path.<maxFiles>` are older. */
class RotatingFile {
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

/**
 * The output of one run of a process child: lines into a ring of the latest `lines`, an
 * optional rotating file, and listeners (log events, readiness by line). Memory is
 * bounded by `lines` x `maxLineLength` characters whatever the child prints.
 */
export class LogCapture {
  readonly #ring: (LogLine | undefined)[];
  #next = 0;
  #file: RotatingFile | undefined;
  readonly #options: Required<Omit<LogOptions, "file">> & Pick<LogOptions, "file">;
  #listeners = new Set<(line: LogLine) => void>();
  /** Streams not ended yet; the file is closed when the last one ends. */
  #open = 0;

  constructor(options: LogOptions = {}) {
    const { lines = 1000, maxLineLength = 65536, file, maxBytes = 10 * 1024 * 1024, maxFiles = 5 } = options;
    this.#options = { lines, maxLineLength, file, maxBytes, maxFiles };
    this.#ring = new Array(lines);
  }

  /** A sink for one stream of the process: `push` its chunks, then `end`. */
  stream(stream: LogLine["stream"]): { push(chunk: Uint8Array): void; end(): void } {
    this.#open++;
    this.#file ??= this.#options.file === undefined
      ? undefined
      : new RotatingFile(this.#options.file, this.#options.maxBytes, this.#options.maxFiles);
    let batch = "";
    const splitter = new LineSplitter(this.#options.maxLineLength, (line) => {
      const entry: LogLine = { stream, line, time: Date.now() };
      if (this.#ring.length > 0) {
        this.#ring[this.#next] = entry;
        this.#next = (this.#next + 1) % this.#ring.length;
      }
      if (this.#file !== undefined) batch += line + "\n";
      for (const listener of this.#listeners) listener(entry);
    });
    const flush = () => {
      if (batch !== "") this.#file?.write(batch);
      batch = "";
    };
    return {
      push(chunk) {
        splitter.push(chunk);
        flush();
      },
      end: () => {
        splitter.end();
        flush();
        if (--this.#open === 0) this.#file?.close();
      },
    };
  }

  /** Calls `listener` with every line from now on; returns the function that stops it (readiness waits use it). */
  listen(listener: (line: LogLine) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The latest lines, oldest first. */
  lines(): LogLine[] {
    const ring = this.#ring;
    const ordered = [...ring.slice(this.#next), ...ring.slice(0, this.#next)];
    return ordered.filter((entry): entry is LogLine => entry !== undefined);
  }
}
