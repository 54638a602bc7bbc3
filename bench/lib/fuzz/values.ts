/**
 * Generated values and JSON text for the fuzzer. Bodies are written as text, not with
 * JSON.stringify, so that they can carry numbers no JavaScript number holds (2^64, 1e309, -0) —
 * exactly what overflows a wire type on the way in.
 */
import fc from "fast-check";

/** A number written as its literal JSON text. */
export class RawNumber {
  constructor(readonly text: string) {}
}

/** A JSON value whose numbers may be raw literals. */
export type FuzzJson = null | boolean | string | RawNumber | FuzzJson[] | { [key: string]: FuzzJson };

/** The JSON text of a value (numbers as written). */
export function jsonText(value: FuzzJson): string {
  if (value instanceof RawNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Numbers at and past the edges of int32, uint32, JavaScript's safe integers, int64 and double. */
export const EDGE_NUMBERS = [
  "0",
  "-0",
  "1",
  "-1",
  "0.5",
  "1e2",
  "2147483647",
  "2147483648",
  "-2147483648",
  "-2147483649",
  "4294967295",
  "4294967296",
  "9007199254740991",
  "9007199254740993",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775809",
  "18446744073709551616",
  "123456789012345678901234567890",
  "1e308",
  "1e309",
  "-1e309",
  "1e-400",
  "1.7976931348623157e308",
] as const;

/** Any number a client might send: an edge, a small integer, or an arbitrary double. */
export const anyNumber: fc.Arbitrary<RawNumber> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_NUMBERS).map((t) => new RawNumber(t)) },
  { weight: 2, arbitrary: fc.integer({ min: -1000, max: 1000 }).map((n) => new RawNumber(String(n))) },
  {
    weight: 1,
    arbitrary: fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .map((n) => new RawNumber(Object.is(n, -0) ? "-0" : String(n))),
  },
  { weight: 1, arbitrary: fc.bigInt().map((n) => new RawNumber(String(n))) },
);

/** Strings that trip parsers, key builders and logs. */
const NASTY_STRINGS = [
  "",
  " ",
  "\u0000",
  "null",
  "undefined",
  "NaN",
  "-1",
  "1e309",
  "../../etc/passwd",
  "%00%2e%2e",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "{{7*7}}",
  "🎟️🌮",
  "\ud800",
  "a|b|c",
  "evt.AAAAAAAAAAAAAAAAAAAAAA",
  "rsv_00000000000000000000000000000000",
  "x".repeat(300),
  "y".repeat(5000),
];

/** Any string: a nasty one, a short arbitrary one, or (rarely) a long one. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 200, maxLength: 2000 }) },
);

/** Any JSON value, a few levels deep, with edge numbers and nasty strings. */
export const anyJson: fc.Arbitrary<FuzzJson> = fc.letrec<{ value: FuzzJson }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    anyNumber,
    anyString,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(anyString, tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** A value for a field of a known shape: mostly plausible (`plausible`), sometimes anything. */
export function fieldValue(plausible: fc.Arbitrary<FuzzJson>): fc.Arbitrary<FuzzJson> {
  return fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 1, arbitrary: anyJson });
}

/**
 * An object built from named fields. Mostly a complete, plausible object with one or two fields
 * swapped for anything or left out — the shape that gets past validation with one bad value,
 * where overflows and unchecked edges hide; sometimes any mix of fields, or not an object at all.
 */
export function objectOf(fields: Record<string, fc.Arbitrary<FuzzJson>>): fc.Arbitrary<FuzzJson> {
  const names = Object.keys(fields);
  if (names.length === 0) return fc.oneof(fc.constant({}), anyJson);
  const complete = fc.record(fields) as fc.Arbitrary<Record<string, FuzzJson>>;
  // A swapped value is an edge number most often: overflows are what this looks for.
  const swapped = fc.oneof(
    { weight: 3, arbitrary: anyNumber as fc.Arbitrary<FuzzJson> },
    { weight: 2, arbitrary: anyJson },
    { weight: 1, arbitrary: anyString as fc.Arbitrary<FuzzJson> },
  );
  const mutation = fc.record({ field: fc.constantFrom(...names), value: fc.option(swapped, { freq: 6 }) });
  const changes = fc.oneof(
    { weight: 2, arbitrary: fc.constant([]) },
    { weight: 3, arbitrary: fc.tuple(mutation) },
    { weight: 1, arbitrary: fc.tuple(mutation, mutation) },
  );
  const mutated = fc.tuple(complete, changes).map(([object, changes]) => {
    const out: Record<string, FuzzJson> = { ...object };
    for (const { field, value } of changes) {
      if (value === null) delete out[field];
      else out[field] = value;
    }
    return out;
  });
  const loose = fc.record(
    Object.fromEntries(Object.entries(fields).map(([k, arb]) => [k, fieldValue(arb)])),
    { requiredKeys: [] },
  ) as fc.Arbitrary<Record<string, FuzzJson>>;
  const withExtra = fc
    .tuple(loose, fc.option(fc.tuple(anyString, anyJson), { freq: 5 }))
    .map(([r, extra]) => (extra ? { ...r, [extra[0]]: extra[1] } : r));
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 2, arbitrary: withExtra },
    { weight: 1, arbitrary: anyJson },
  );
}

/** The string with each lone surrogate replaced (URLs and headers can only carry well-formed text). */
export const wellFormed = (s: string): string =>
  s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
