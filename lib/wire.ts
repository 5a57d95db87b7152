/**
 * The console's tRPC transformer (server, browser and the query cache's dehydration). JSON cannot carry
 * `undefined`, NaN, ±Infinity, -0 or a Date; this sends them as superjson 2 does — the plain value in
 * `json`, each special one's path and type in `meta.values` — so the wire stays superjson's format (what
 * tests, scripts and anyone's curl send and read: `{"json": …}`), at ≈ 0.5 KiB of browser script where
 * superjson and copy-anything were ≈ 3 KiB (README "Dashboards → Page weight").
 *
 * Nothing else is needed by any procedure (the TypeScript check of the client against the router proves
 * no Map, Set, bigint or class crosses); anything else that is not plain JSON throws, so a procedure that
 * starts returning one fails loudly in tests instead of arriving as `{}`.
 */
type Kind = 'undefined' | 'number' | 'Date';
type Values = [Kind] | Record<string, [Kind]>;
export interface WirePayload {
  json: unknown;
  meta?: { values?: Values; v?: number };
}

/** superjson's path syntax: keys joined by '.', a '.' or '\' inside a key escaped with '\'. */
const escapeKey = (k: string) => k.replace(/\\/g, '\\\\').replace(/\./g, '\\.');
function parsePath(path: string): string[] {
  const out: string[] = [];
  let seg = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\' && i + 1 < path.length) seg += path[++i];
    else if (c === '.') {
      out.push(seg);
      seg = '';
    } else seg += c;
  }
  out.push(seg);
  return out;
}

/** `o[k] = v` as an own property even for the key "__proto__" (a title or ISP name can be any string). */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function special(v: unknown): [unknown, Kind] | null {
  if (v === undefined) return [null, 'undefined'];
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return ['NaN', 'number'];
    if (v === Infinity) return ['Infinity', 'number'];
    if (v === -Infinity) return ['-Infinity', 'number'];
    if (v === 0 && 1 / v < 0) return ['-0', 'number'];
    return null;
  }
  if (v instanceof Date) return [v.toISOString(), 'Date'];
  return null;
}

function walk(v: unknown, path: string, values: Record<string, [Kind]>): unknown {
  const s = special(v);
  if (s) {
    values[path] = [s[1]];
    return s[0];
  }
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'bigint' || typeof v === 'symbol' || typeof v === 'function') {
      throw new TypeError(`wire: a ${typeof v} at "${path}" cannot be sent`);
    }
    return v;
  }
  const prefix = path === '' ? '' : `${path}.`;
  if (Array.isArray(v)) return v.map((x, i) => walk(x, `${prefix}${i}`, values));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(`wire: a ${(v as object).constructor?.name ?? 'class instance'} at "${path}" cannot be sent`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) setOwn(out, k, walk(x, `${prefix}${escapeKey(k)}`, values));
  return out;
}

export function serialize(value: unknown): WirePayload {
  const s = special(value);
  if (s) return { json: s[0], meta: { values: [s[1]], v: 1 } };
  const values: Record<string, [Kind]> = {};
  const json = walk(value, '', values);
  return Object.keys(values).length ? { json, meta: { values, v: 1 } } : { json };
}

function revive(v: unknown, kind: string): unknown {
  switch (kind) {
    case 'undefined':
      return undefined;
    case 'number':
      return v === '-0' ? -0 : Number(v);
    case 'Date':
      return new Date(String(v));
    default:
      throw new TypeError(`wire: unknown type "${kind}"`);
  }
}

const isContainer = (n: unknown): n is Record<string, unknown> => n !== null && typeof n === 'object';

export function deserialize(payload: WirePayload): unknown {
  const { json, meta } = payload ?? ({} as WirePayload);
  const values = meta?.values;
  if (!values) return json;
  if (Array.isArray(values)) return revive(json, values[0]);
  for (const [path, [kind]] of Object.entries(values)) {
    // Only through the value's own keys: a path naming "__proto__" or "constructor" that the value does
    // not hold would otherwise reach Object.prototype.
    const keys = parsePath(path);
    let node: unknown = json;
    for (const k of keys.slice(0, -1)) {
      if (!isContainer(node) || !Object.hasOwn(node, k)) throw new TypeError(`wire: bad path "${path}"`);
      node = node[k];
    }
    const last = keys[keys.length - 1]!;
    if (!isContainer(node) || !Object.hasOwn(node, last)) throw new TypeError(`wire: bad path "${path}"`);
    setOwn(node, last, revive(node[last], kind));
  }
  return json;
}

/** For `initTRPC.create({ transformer })` and `httpBatchLink({ transformer })`. */
export const wire = { serialize, deserialize };
