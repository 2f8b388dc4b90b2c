// Pieces of JSON text exactly as JSON.stringify writes them, for connectionEventJson, which
// writes events without making their objects.

/** A number as JSON.stringify writes it: String(n), or null when it is not finite. */
export function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/** Any property value as JSON.stringify writes it; undefined when it leaves the property out. */
export function jsonValue(v: unknown): string | undefined {
  return typeof v === 'number' ? jsonNumber(v) : JSON.stringify(v);
}

/** `,"key":value`, or '' for a value JSON.stringify leaves out. `key` must need no escaping. */
export function jsonProperty(key: string, v: unknown): string {
  const json = jsonValue(v);
  return json === undefined ? '' : `,"${key}":${json}`;
}

/** An object from jsonProperty() pieces (each with its leading comma). */
export function jsonObject(properties: string): string {
  return properties === '' ? '{}' : `{${properties.slice(1)}}`;
}
