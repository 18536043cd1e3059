import { Buffer } from "node:buffer";
import * as v from "valibot";
import { nonEmpty, numberAtLeast, type Schema } from "../src/internal.ts";
import { LineSplitter } from "./_line_splitter.ts";
import { RotatingFile } from "./_rotating_file.ts";
import type { Sink } from "./_spawn.ts";

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
  /** A longer line is cut into pieces of at most this many bytes (never inside a UTF-8 character). @default 65536 */
  maxLineLength?: number;
  /** Append every line (stdout and stderr) to this file. @default none */
  file?: string;
  /** Rotate the file before it would grow past this size, in bytes. @default 10485760 (10 MiB) */
  maxBytes?: number;
  /** Rotated files kept (`file.1` newest ... `file.<maxFiles>`). @default 5 */
  maxFiles?: number;
  /** Permissions of a log file the runtime creates (an existing file keeps its own). @default 0o600 */
  mode?: number;
}

/** The schema of `LogOptions`. */
export const logsSchema: Schema<LogOptions> = v.strictObject({
  lines: v.optional(numberAtLeast(0, "must be a non-negative integer", true)),
  maxLineLength: v.optional(numberAtLeast(1, "must be a positive integer", true)),
  file: v.optional(nonEmpty("must be a non-empty path")),
  maxBytes: v.optional(numberAtLeast(1, "must be a positive integer", true)),
  maxFiles: v.optional(numberAtLeast(0, "must be a non-negative integer", true)),
  mode: v.optional(
    v.pipe(
      numberAtLeast(0, "must be a file mode from 0 to 0o777", true),
      v.maxValue(0o777, "must be a file mode from 0 to 0o777"),
    ),
  ),
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

/** One line kept in the ring: its bytes in a buffer the slot reuses as the ring turns over. */
interface Slot {
  stream: LogLine["stream"];
  time: number;
  buffer: Uint8Array;
  length: number;
}

const NEWLINE = new Uint8Array([10]);

/**
 * The output of one run of a process child: lines into a ring of the latest `lines`, an
 * optional rotating file, and listeners (log events, readiness by line). The ring keeps
 * each line's bytes in a slot buffer that is reused as the ring turns over, and lines
 * are decoded only for listeners and `lines()`: memory is bounded by `lines` x
 * `maxLineLength` bytes whatever the child prints, and a flood of output makes little
 * garbage. A log file that fails is reported to `onFileError` listeners and never stops
 * the capture.
 */
export class LogCapture {
  readonly #ring: (Slot | undefined)[];
  #next = 0;
  #file: RotatingFile | undefined;
  readonly #options: Required<Omit<LogOptions, "file">> & Pick<LogOptions, "file">;
  #listeners = new Set<(line: LogLine) => void>();
  #fileErrors = new Set<(error: unknown, file: string) => void>();
  #decoder = new TextDecoder();
  /** Streams not ended yet; the file is closed when the last one ends. */
  #open = 0;

  constructor(options: LogOptions = {}) {
    const { lines = 1000, maxLineLength = 65536, file, maxBytes = 10 * 1024 * 1024, maxFiles = 5, mode = 0o600 } =
      options;
    this.#options = { lines, maxLineLength, file, maxBytes, maxFiles, mode };
    this.#ring = new Array(lines);
  }

  /** A sink for one stream of the process: `push` its chunks, then `end`. */
  stream(stream: LogLine["stream"]): Sink {
    this.#open++;
    const { file, maxBytes, maxFiles, mode } = this.#options;
    this.#file ??= file === undefined ? undefined : new RotatingFile(file, maxBytes, maxFiles, mode, (error) => {
      for (const listener of this.#fileErrors) listener(error, file);
    });
    let batch: Uint8Array[] = [];
    const splitter = new LineSplitter(this.#options.maxLineLength, (bytes) => {
      const time = Date.now();
      this.#keep(stream, time, bytes);
      if (this.#file !== undefined) batch.push(bytes.slice(), NEWLINE);
      if (this.#listeners.size === 0) return;
      const entry: LogLine = { stream, line: this.#decoder.decode(bytes), time };
      for (const listener of this.#listeners) listener(entry);
    });
    const flush = () => {
      if (batch.length > 0) this.#file?.write(Buffer.concat(batch));
      batch = [];
    };
    return {
      push(chunk) {
        splitter.push(chunk);
        flush();
      },
      backlog: () => this.#file?.backlog(),
      end: () => {
        splitter.end();
        flush();
        if (--this.#open === 0) void this.#file?.close();
      },
    };
  }

  /** Copies a line into the next slot of the ring, reusing the slot's buffer when it is large enough. */
  #keep(stream: LogLine["stream"], time: number, bytes: Uint8Array): void {
    if (this.#ring.length === 0) return;
    let slot = this.#ring[this.#next];
    if (slot === undefined || slot.buffer.length < bytes.length) {
      slot = this.#ring[this.#next] = { stream, time, buffer: new Uint8Array(Math.max(bytes.length, 64)), length: 0 };
    }
    slot.stream = stream;
    slot.time = time;
    slot.buffer.set(bytes);
    slot.length = bytes.length;
    this.#next = (this.#next + 1) % this.#ring.length;
  }

  /** Calls `listener` with every line from now on; returns the function that stops it (readiness waits use it). */
  listen(listener: (line: LogLine) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `listener` at the start of each episode of failing writes to the log file; returns its removal. */
  onFileError(listener: (error: unknown, file: string) => void): () => void {
    this.#fileErrors.add(listener);
    return () => this.#fileErrors.delete(listener);
  }

  /** The latest lines, oldest first. */
  lines(): LogLine[] {
    const ring = this.#ring;
    const ordered = [...ring.slice(this.#next), ...ring.slice(0, this.#next)];
    return ordered.flatMap((slot) =>
      slot === undefined
        ? []
        : [{ stream: slot.stream, time: slot.time, line: this.#decoder.decode(slot.buffer.subarray(0, slot.length)) }]
    );
  }
}
