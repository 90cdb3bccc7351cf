/**
 * Decodes a Stripe-style form body (`application/x-www-form-urlencoded` with bracketed keys, as the Stripe SDKs
 * send it: `metadata[order_id]=...`, `payment_method_types[0]=card`) into nested objects and arrays.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

function keyPath(key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match) return [key];
  return [match[1] as string, ...[...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] as string)];
}

/** Objects whose keys are exactly 0..n-1 (or were written with `[]`) become arrays. */
function arraysFromIndices(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return Array.isArray(value) ? value.map(arraysFromIndices) : value;
  const keys = Object.keys(value);
  const converted = Object.fromEntries(keys.map((k) => [k, arraysFromIndices(value[k] as FormValue)])) as FormObject;
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => converted[k] as FormValue);
  return converted;
}

export function decodeForm(text: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = keyPath(key);
    if (path.some((segment) => FORBIDDEN.has(segment))) continue;
    let node: FormObject = root;
    path.forEach((segment, i) => {
      const name = segment === '' ? String(Object.keys(node).length) : segment;
      if (i === path.length - 1) {
        node[name] = value;
        return;
      }
      const next = node[name];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[name] = {};
      node = node[name] as FormObject;
    });
  }
  return arraysFromIndices(root) as FormObject;
}
