/** Splits a byte stream into lines; a line is emitted whole even when split across chunks. */
export class LineSplitter {
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

