// Where one party's control of a host name ends, from the Public Suffix List (through tldts).
import { parse } from 'tldts';

export interface SuffixInfo {
  /** Whether some party owns the host (it is a registrable domain or below one). */
  readonly registrable: boolean;
  /** The public suffix the host falls under, e.g. `co.uk`, `github.io`; null for IP addresses. */
  readonly suffix: string | null;
  /** Whether that suffix is on the list (false: an unlisted top-level name such as `internal`). */
  readonly listed: boolean;
}

/** Private entries count: anyone can get a name under github.io as under co.uk. */
const OPTIONS = { allowPrivateDomains: true } as const;

/** The public-suffix facts of a (lower-case, ASCII) host name. */
export function suffixInfo(host: string): SuffixInfo {
  const result = parse(host.endsWith('.') ? host.slice(0, -1) : host, OPTIONS);
  return {
    registrable: result.domain !== null && result.domain !== '',
    suffix: result.publicSuffix,
    listed: result.isIcann === true || result.isPrivate === true,
  };
}
