import * as v from "valibot";
import { nonEmpty, numberAtLeast, type Schema } from "../src/internal.ts";
import { LineSplitter } from "./_line_splitter.ts";
import { RotatingFile } from "./_rotating_file.ts";

/**
 * How a process child's output is kept (osProcess `logs`).
 *
 * @example
 * ```ts
 * import type { LogOptions } from "@airssys/rt/osl";
 * const logs: LogOptions = { lines: 200, file: "/var/log/app/web.log", maxBytes: 50 * 1024 ** 2, maxFiles: 10 };
 * ```
 */
export interface LogOptions {
  /** How many of the latest lines `OsProcessRef.logs()` keeps. @default 1000 */
  lines?: number;
  /** A longer line is cut into pieces of this many characters. @default 65536 */
  maxLineLength?: number;
  /** Append every line (stdout and stderr) to this file. @default none */
  file?: string;
  /** Rotate the file before it would grow past this size, in bytes. @default 10485760 (10 MiB) */
  maxBytes?: number;
  /** Rotated files kept (`file.1` newest ... `file.<maxFiles>`). @default 5 */
  maxFiles?: number;
}

/** The schema of `LogOptions`. */
export const logsSchema: Schema<LogOptions> = v.strictObject({
  lines: v.optional(numberAtLeast(0, "must be a non-negative integer", true)),
  maxLineLength: v.optional(numberAtLeast(1, "must be a positive integer", true)),
  file: v.optional(nonEmpty("must be a non-empty path")),
  maxBytes: v.optional(numberAtLeast(1, "must be a positive integer", true)),
  maxFiles: v.optional(numberAtLeast(0, "must be a non-negative integer", true)),
}, "must be an object");

/** One captured line of output. */
export interface LogLine {
  /** Which stream it came from. */
  stream: "stdout" | "stderr";
  /** The line, without its newline. */
  line: string;
  /** Date.now() when it was read, ms. */
  time: number;
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
