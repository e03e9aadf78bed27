// Length asserts at each construction, as @noble does: a key, nonce or seed of the wrong size is a
// programming error or a hostile input, and either way it must stop the construction at once
// rather than give a weaker key or a value no other implementation would compute. The error names
// the field, never its value (it may be a secret).

/** An exact byte length, or an inclusive range. */
export type ByteLength = number | { min: number; max: number };

function describe(length: ByteLength): string {
  return typeof length === 'number' ? `${length} bytes` : `${length.min}-${length.max} bytes`;
}

/** True for a Uint8Array (a Node Buffer is one too); false for other views, arrays and strings. */
export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || (ArrayBuffer.isView(value) && value.constructor.name === 'Uint8Array');
}

/**
 * Throws a TypeError if `value` is not a Uint8Array, a RangeError if its length is not `length`
 * (or outside `{ min, max }`). `name` is the field, as PROTOCOL.md names it.
 */
export function assertBytes(value: unknown, length: ByteLength, name: string): asserts value is Uint8Array {
  if (!isBytes(value)) throw new TypeError(`${name}: expected a Uint8Array`);
  const ok = typeof length === 'number' ? value.length === length : value.length >= length.min && value.length <= length.max;
  if (!ok) throw new RangeError(`${name}: expected ${describe(length)}, got ${value.length}`);
}

/** Throws a TypeError unless `value` is a safe integer, a RangeError unless it is within `{ min, max }`. */
export function assertInteger(value: unknown, range: { min: number; max: number }, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(`${name}: expected an integer`);
  if (value < range.min || value > range.max) throw new RangeError(`${name}: expected ${range.min}-${range.max}, got ${value}`);
}
