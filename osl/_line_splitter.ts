const NEWLINE = 10, CR = 13;

/**
 * Splits a byte stream into lines, cutting a line longer than `maxLineBytes` into pieces
 * as the bytes arrive (never inside a UTF-8 character): what is held for an unfinished
 * line never exceeds one piece, whatever the child prints without a newline. A line is
 * handed over as bytes (a view, valid during the call only), so the caller copies what
 * it keeps and decodes only what it shows; chunks may be reused by the reader once
 * `push` returns (an unfinished line is copied into a buffer of the splitter's own,
 * reused from line to line). A CR before a newline is dropped.
 */
export class LineSplitter {
  #held = new Uint8Array(0);
  #length = 0;
  readonly maxLineBytes: number;
  readonly emit: (line: Uint8Array) => void;
  constructor(maxLineBytes: number, emit: (line: Uint8Array) => void) {
    this.maxLineBytes = maxLineBytes;
    this.emit = emit;
  }

  push(chunk: Uint8Array): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
      start = this.#cut(chunk, start, end);
      if (nl === -1) {
        this.#hold(chunk.subarray(start, end));
        return;
      }
      this.#line(chunk.subarray(start, end), true);
      start = nl + 1;
    }
  }

  /** Emits what is left (a last line without a newline). */
  end(): void {
    if (this.#length > 0) this.#line(new Uint8Array(0), true);
  }

  /** Emits full pieces of `chunk[start, end)` (with what is held before them); returns where the rest begins. */
  #cut(chunk: Uint8Array, start: number, end: number): number {
    while (end - start >= this.maxLineBytes - this.#length) {
      let cut = start + this.maxLineBytes - this.#length;
      while (cut > start && (chunk[cut] & 0xc0) === 0x80) cut--; // not inside a UTF-8 sequence
      if (cut === start && this.#length === 0) cut = start + this.maxLineBytes;
      this.#line(chunk.subarray(start, cut), false);
      start = cut;
    }
    return start;
  }

  #hold(bytes: Uint8Array): void {
    if (this.#held.length < this.#length + bytes.length) {
      const grown = new Uint8Array(
        Math.min(this.maxLineBytes, Math.max(this.#length + bytes.length, this.#held.length * 2, 256)),
      );
      grown.set(this.#held.subarray(0, this.#length));
      this.#held = grown;
    }
    this.#held.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /** Emits the held bytes followed by `tail` as one line (`complete`: a newline ended it, so a CR before it goes). */
  #line(tail: Uint8Array, complete: boolean): void {
    let bytes = tail;
    if (this.#length > 0) {
      this.#hold(tail);
      bytes = this.#held.subarray(0, this.#length);
    }
    if (complete && bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, -1);
    this.#length = 0;
    this.emit(bytes);
  }
}
