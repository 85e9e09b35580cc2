/**
 * Short, safe renderings of values a user supplied, for error messages: a
 * JSON value nested 10,000 levels deep or a megabyte-long string must not
 * overflow the stack or flood the terminal, and control characters (ANSI
 * escapes) must not reach it raw.
 */

/** `value` as compact JSON, at most `maxChars` long, nesting shown to two levels. */
export function previewJson(value: unknown, maxChars = 40): string {
  const text = preview(value, 2);
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

function preview(value: unknown, depth: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (depth === 0) return "[…]";
    const items = value.slice(0, 4).map((item) => preview(item, depth - 1));
    return `[${items.join(",")}${value.length > 4 ? ",…" : ""}]`;
  }
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value);
    if (keys.length === 0) return "{}";
    if (depth === 0) return "{…}";
    const items = keys.slice(0, 3).map((k) => `${preview(k, 0)}:${preview((value as Record<string, unknown>)[k], depth - 1)}`);
    return `{${items.join(",")}${keys.length > 3 ? ",…" : ""}}`;
  }
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return JSON.stringify(value) ?? String(value);
}

/** `text` with C0/C1 control characters as \u escapes, so it prints as one inert line. */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
