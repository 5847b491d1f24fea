// One environment variable as a zod schema: how its text is read, its default, and the line that documents it. Every
// kind of value refuses a wrong text with a message saying what is allowed, so that loadConfig can name the setting and
// stop the process at start rather than run on NaN or a typo.
import { z } from "zod";

/** What the README's configuration table says about a setting. */
export interface SettingDoc {
  /** One line: what the setting changes. The README table shows it as written here. */
  description: string;
  /** The text the setting has when it is unset or blank, read like any other value. */
  default?: string;
  /** What happens when it is unset, for settings without a default (e.g. "embedded PGlite"). */
  unset?: string;
  /** Never echoed in an error message. */
  secret?: boolean;
}

export const settingDocs = z.registry<SettingDoc>();

/** A value read from text, or why the text is refused ("must be …"). */
type Reader<T> = (text: string) => T | Refusal;

class Refusal {
  constructor(readonly message: string) {}
}

const refuse = (message: string) => new Refusal(message);

export function setting<T>(read: Reader<T>, doc: SettingDoc & { default: string }): z.ZodType<T, string | undefined>;
export function setting<T>(read: Reader<T>, doc: SettingDoc): z.ZodType<T | undefined, string | undefined>;
export function setting<T>(read: Reader<T>, doc: SettingDoc): z.ZodType<T | undefined, string | undefined> {
  const schema = z
    .string()
    .optional()
    .transform((raw, ctx) => {
      // Blank means unset: a shell's `FOO=` or a compose file's empty value must not read as zero or as no secret.
      const text = raw?.trim() || doc.default;
      if (text === undefined) return undefined;
      const value = read(text);
      if (value instanceof Refusal) {
        ctx.issues.push({ code: "custom", message: value.message, input: raw });
        return z.NEVER;
      }
      return value;
    });
  schema.register(settingDocs, doc);
  return schema;
}

/** A whole number at least `min`, e.g. milliseconds or days. */
export function wholeNumber(unit: string, min = 1): Reader<number> {
  const allowed = min === 1 ? `a positive whole number (${unit})` : `a whole number of ${unit}, at least ${min}`;
  return (text) => {
    const value = Number(text);
    return Number.isInteger(value) && value >= min ? value : refuse(`must be ${allowed}`);
  };
}

/** A whole percentage, 0 to 100. */
export const percent: Reader<number> = (text) => {
  const value = Number(text);
  return Number.isInteger(value) && value >= 0 && value <= 100 ? value : refuse("must be a whole percentage (0–100)");
};

export const port: Reader<number> = (text) => {
  const value = Number(text);
  return Number.isInteger(value) && value >= 0 && value <= 65535 ? value : refuse("must be a port number (0–65535)");
};

export function oneOf<const V extends string>(values: readonly V[]): Reader<V> {
  return (text) =>
    (values as readonly string[]).includes(text) ? (text as V) : refuse(`must be one of ${values.join(", ")}`);
}

export const trueOrFalse: Reader<boolean> = (text) =>
  text === "true" ? true : text === "false" ? false : refuse("must be true or false");

/** A fraction such as a rate, kept as its exact decimal text (money never passes through a float). */
export const fraction: Reader<string> = (text) =>
  /^(0(\.\d+)?|\.\d+)$/.test(text) ? text : refuse("must be a decimal fraction from 0 up to 1, e.g. 0.001 for 0.1%");

export function url(schemes: readonly string[], example: string): Reader<string> {
  return (text) => {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return refuse(`must be a URL, e.g. ${example}`);
    }
    const scheme = parsed.protocol.replace(/:$/, "");
    return schemes.includes(scheme) ? text : refuse(`must be a ${schemes.join(" or ")} URL, e.g. ${example}`);
  };
}

export const text: Reader<string> = (value) => value;

export function secretOfAtLeast(length: number, hint: string): Reader<string> {
  return (value) => (value.length >= length ? value : refuse(`must be at least ${length} characters (${hint})`));
}

/** "a,b,c" → ["a", "b", "c"], each entry checked by `entry`. */
export function listOf(entry: RegExp, allowed: string): Reader<string[]> {
  return (value) => {
    const items = value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
    return items.every((item) => entry.test(item)) ? items : refuse(`must be ${allowed}`);
  };
}

/** "min,max" in milliseconds, 0 ≤ min ≤ max. */
export const millisecondRange: Reader<[number, number]> = (value) => {
  const [min, max, ...rest] = value.split(",").map((part) => Number(part.trim()));
  return rest.length === 0 && Number.isInteger(min) && Number.isInteger(max) && min! >= 0 && max! >= min!
    ? [min!, max!]
    : refuse('must be "min,max" in milliseconds with 0 ≤ min ≤ max, e.g. 20,80');
};

/** Turns a parser that throws (e.g. one shared with domain code) into a reader; its message follows the name. */
export function parsedBy<T>(parse: (text: string) => T): Reader<T> {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      return refuse((error as Error).message);
    }
  };
}
