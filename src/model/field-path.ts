/**
 * Field paths as findings write them: `spec.template.spec.containers[0].securityContext`,
 * with bracketed quoted keys for keys that hold dots: `metadata.annotations["a.b/c"]`.
 */

/** One step of a field path: a mapping key or a list index. */
export type PathSegment = string | number;

/** Findings repeat the same few paths across objects: each distinct path is parsed once. */
const parsedPaths = new Map<string, readonly PathSegment[]>();
const MAX_CACHED_PATHS = 10_000;

/** Splits a field path into keys and indexes (cached; do not mutate the result). An empty path is the object root. */
export function parseFieldPath(path: string): readonly PathSegment[] {
  let segments = parsedPaths.get(path);
  if (!segments) {
    segments = splitFieldPath(path);
    if (parsedPaths.size < MAX_CACHED_PATHS) parsedPaths.set(path, segments);
  }
  return segments;
}

function splitFieldPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  let key = '';
  const pushKey = (): void => {
    if (key !== '') segments.push(key);
    key = '';
  };
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      pushKey();
      i++;
    } else if (ch === '[') {
      pushKey();
      const close = findClosingBracket(path, i);
      if (close < 0) {
        // Not a well-formed bracket: keep the rest as one key rather than guess.
        key = path.slice(i);
        break;
      }
      const inner = path.slice(i + 1, close);
      if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else if ((inner.startsWith('"') && inner.endsWith('"')) || (inner.startsWith("'") && inner.endsWith("'"))) segments.push(unquote(inner));
      else segments.push(inner);
      i = close + 1;
    } else {
      key += ch;
      i++;
    }
  }
  pushKey();
  return segments;
}

function findClosingBracket(path: string, open: number): number {
  const quote = path[open + 1];
  if (quote === '"' || quote === "'") {
    for (let i = open + 2; i < path.length; i++) {
      if (quote === '"' && path[i] === '\\') i++;
      else if (quote === "'" && path[i] === "'" && path[i + 1] === "'") i++;
      else if (path[i] === quote) return path[i + 1] === ']' ? i + 1 : -1;
    }
    return -1;
  }
  return path.indexOf(']', open);
}

function unquote(quoted: string): string {
  if (quoted.startsWith('"')) {
    try {
      return JSON.parse(quoted) as string;
    } catch {
      return quoted.slice(1, -1);
    }
  }
  return quoted.slice(1, -1).replace(/''/g, "'");
}

/** Keys written bare in a path; any other key is bracketed and quoted, as {@link parseFieldPath} reads it. */
const BARE_KEY = /^[^.[\]"']+$/;

/** Writes keys and indexes as a field path: `spec.containers[0].securityContext`, `metadata.annotations["a.b/c"]`. */
export function formatFieldPath(segments: readonly PathSegment[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (BARE_KEY.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/**
 * The path of the first value, depth first in key order, for which `matches` holds, or undefined;
 * values deeper than `maxDepth` are not searched. The path is built only on the way back from a
 * find: most searches find nothing.
 */
export function findValuePath(node: unknown, matches: (value: unknown) => boolean, maxDepth: number, depth = 0): PathSegment[] | undefined {
  if (matches(node)) return [];
  if (typeof node !== 'object' || node === null || depth >= maxDepth) return undefined;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const found = findValuePath(node[i], matches, maxDepth, depth + 1);
      if (found) return [i, ...found];
    }
    return undefined;
  }
  for (const key in node) {
    const found = findValuePath((node as Record<string, unknown>)[key], matches, maxDepth, depth + 1);
    if (found) return [key, ...found];
  }
  return undefined;
}

/** The value at `path` below `node`, or undefined where the path breaks off. */
export function valueAtPath(node: unknown, path: readonly PathSegment[]): unknown {
  let at = node;
  for (const segment of path) at = typeof at === 'object' && at !== null ? (at as Record<string | number, unknown>)[segment] : undefined;
  return at;
}
