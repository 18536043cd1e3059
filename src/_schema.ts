import * as v from "valibot";

// Shared pieces of the spec schemas (valibot) and the one format every refusal takes:
//   Invalid <subject> at <path>: <rule> (got <value>)
// Every schema and action carries its rule as its message, so a refusal reads the same
// whether it comes from the API (thrown) or from `supervise` (printed, exit code 2).

/** A valibot schema of any input whose output is `T` (how the spec schemas are typed). */
export type Schema<T = unknown> = v.GenericSchema<unknown, T>;

/** A value as a refusal shows it: JSON where possible, short. */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "function") return "a function";
  if (typeof value === "bigint" || typeof value === "symbol" || value instanceof RegExp) return String(value);
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function pathOf(issue: v.BaseIssue<unknown>, root: string): string {
  let path = root;
  for (const item of issue.path ?? []) {
    const key = item.key as PropertyKey;
    path += typeof key === "number" ? `[${key}]` : path === "" ? String(key) : `.${String(key)}`;
  }
  return path;
}

const isUnknownField = (issue: v.BaseIssue<unknown>): boolean => issue.expected === "never" && issue.path !== undefined;

/**
 * The issue to report: a union whose branches all failed on their type reports the
 * failure of the branch the input was meant for (a field it has), not the union.
 */
function relevant(issue: v.BaseIssue<unknown>): v.BaseIssue<unknown> {
  if (issue.type !== "union" || issue.issues === undefined) return issue;
  const meant = issue.issues.find(isUnknownField) ??
    issue.issues.find((sub) => sub.input !== undefined && sub.path !== undefined);
  if (meant === undefined) return issue;
  // A branch's issue has its path within the union's input: prefix the union's own.
  return relevant({
    ...meant,
    path: [...(issue.path ?? []), ...meant.path!] as [v.IssuePathItem, ...v.IssuePathItem[]],
  });
}

const isMissingField = (issue: v.BaseIssue<unknown>): boolean =>
  issue.kind === "schema" && issue.input === undefined && issue.received === "undefined" && issue.path !== undefined &&
  /^(strict_|loose_)?object$/.test(issue.type);

function messageOf(issue: v.BaseIssue<unknown>): string {
  if (isUnknownField(issue)) return "is not a known field";
  if (isMissingField(issue)) return "is required";
  return issue.message;
}

/** True when the refusal is about a number's value rather than a value's type. */
function isRange(issue: v.BaseIssue<unknown>): boolean {
  return typeof issue.input === "number" &&
    (issue.kind === "validation" || (issue.issues ?? []).some((sub) => sub.kind === "validation"));
}

/**
 * The error for the first issue: `RangeError` for a number out of range, `TypeError`
 * otherwise, with the message `Invalid <subject> at <path>: <rule> (got <value>)`.
 */
export function specError(subject: string, issues: readonly v.BaseIssue<unknown>[], root = ""): TypeError | RangeError {
  // A misspelt field explains the rest (a `comand` leaves `command` missing): report it first.
  const issue = relevant(issues.find(isUnknownField) ?? issues[0]);
  const value = isUnknownField(issue) ? issue.path!.at(-1)!.value : issue.input;
  return refusal(subject, pathOf(issue, root), messageOf(issue), value, isRange(issue) ? RangeError : TypeError);
}

/** A refusal in the one format, for rules across fields that a schema cannot state. */
export function refusal(
  subject: string,
  path: string,
  rule: string,
  value: unknown,
  ErrorType: typeof TypeError | typeof RangeError = TypeError,
): TypeError | RangeError {
  return new ErrorType(`Invalid ${subject}${path === "" ? "" : ` at ${path}`}: ${rule} (got ${show(value)})`);
}

/**
 * Validates `value` against `schema` and returns the output (defaults filled in).
 * @throws {TypeError | RangeError} naming the path and the value (see `specError`)
 */
export function parseSpec<T>(schema: Schema<T>, value: unknown, subject: string, root = ""): T {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  throw specError(subject, result.issues, root);
}

/**
 * Gives a schema composed from shared entries the output type its interface documents
 * (valibot infers `unknown` through `ObjectEntries`; the interface is the contract).
 */
export function typed<T>(schema: v.GenericSchema): Schema<T> {
  return schema as unknown as Schema<T>;
}

/**
 * A rule across fields, reported at `field` (valibot's `forward(check(...))` for
 * objects typed by an interface): refused with `rule` unless `ok(object)`.
 */
export function fieldRule<T>(field: string, rule: string, ok: (object: T) => boolean): v.RawCheckAction<T> {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    if (!dataset.typed || ok(dataset.value)) return;
    const object = dataset.value as Record<string, unknown>;
    const input = object[field];
    addIssue({
      message: rule,
      input,
      path: [{ type: "object", origin: "value", input: object, key: field, value: input }],
    });
  });
}

/** `must be one of "a", "b", "c"` for a list of allowed strings. */
export function oneOf<const T extends string>(options: readonly T[]): Schema<T> {
  return v.picklist(options, `must be one of ${options.map((o) => JSON.stringify(o)).join(", ")}`);
}

/** A number of at least `min` (`integer`: a whole number), with `rule` as the message of every check. */
export function numberAtLeast(min: number, rule: string, integer = false): Schema<number> {
  const base = v.pipe(v.number(rule), v.minValue(min, rule));
  return integer ? v.pipe(base, v.integer(rule)) : base;
}

/** A number above 0. */
export function positive(rule: string): Schema<number> {
  return v.pipe(v.number(rule), v.gtValue(0, rule));
}

/** A duration in ms, at least `min`. */
export function durationMs(rule: string, min = 0): Schema<number> {
  return numberAtLeast(min, rule);
}

/**
 * A wait in ms, at least `min` (`positive`: above 0), or `"infinity"` (OTP's spelling,
 * which JSON can hold too) for one that never ends: the output is a number (`Infinity`).
 */
export function waitMs(rule: string, min = 0, positiveOnly = false): Schema<number> {
  const full = `${rule} or "infinity"`;
  const finite = positiveOnly ? positive(full) : numberAtLeast(min, full);
  return v.union([finite, v.pipe(v.literal("infinity", full), v.transform(() => Infinity))], full);
}

/** A non-empty string. */
export function nonEmpty(rule: string): Schema<string> {
  return v.pipe(v.string(rule), v.minLength(1, rule));
}

/** A boolean. */
export const boolean: Schema<boolean> = v.boolean("must be true or false");

/** A positive whole number. */
export const positiveInteger: Schema<number> = numberAtLeast(1, "must be a positive integer", true);
