/**
 * Converts a path in Express 5 syntax (path-to-regexp v8: `:param`, `*wildcard`, `{optional}`
 * groups, `\\` escapes) into the find-my-way paths that match the same requests. Optional groups
 * become one path per combination; a wildcard matches the rest of the path, as find-my-way allows
 * wildcards only at the end. Parameter names are replaced by position so that `/:id` and `/:slug`
 * on the same level share one node.
 */
export function toRadixPaths(expressPath: string): string[] {
  return expandOptionalGroups(expressPath).map(toRadixPath);
}

const MAX_OPTIONAL_VARIANTS = 64;

function expandOptionalGroups(path: string): string[] {
  const open = findUnescaped(path, '{');
  if (open < 0) return [path];
  let depth = 0;
  let close = -1;
  for (let i = open; i < path.length; i++) {
    if (path[i] === '\\') i++;
    else if (path[i] === '{') depth++;
    else if (path[i] === '}' && --depth === 0) {
      close = i;
      break;
    }
  }
  if (close < 0) return [path];
  const before = path.slice(0, open);
  const inside = path.slice(open + 1, close);
  const after = path.slice(close + 1);
  const variants = [...expandOptionalGroups(before + inside + after), ...expandOptionalGroups(before + after)];
  return variants.slice(0, MAX_OPTIONAL_VARIANTS);
}

function findUnescaped(path: string, char: string): number {
  for (let i = 0; i < path.length; i++) {
    if (path[i] === '\\') i++;
    else if (path[i] === char) return i;
  }
  return -1;
}

const NAME = /^(?:"(?:[^"\\]|\\.)*"|[$_\p{ID_Start}][$\u200c\u200d\p{ID_Continue}]*)/u;

function toRadixPath(path: string): string {
  let out = '';
  let params = 0;
  for (let i = 0; i < path.length; i++) {
    const char = path[i]!;
    if (char === '\\') {
      const next = path[++i] ?? '';
      out += next === ':' ? '::' : next;
    } else if (char === ':') {
      const name = NAME.exec(path.slice(i + 1));
      i += name ? name[0].length : 0;
      out += `:p${params++}`;
    } else if (char === '*') {
      // The rest of the path, whatever follows the wildcard.
      return out + '*';
    } else {
      out += char;
    }
  }
  return out || '/';
}

/** A concrete path a radix path matches: every parameter and wildcard filled with "x". */
export function samplePath(radixPath: string): string {
  return radixPath.replace(/:p\d+/g, 'x').replace(/\*$/, 'x');
}
