/**
 * The options of one CORS policy. The fields and their meaning are those of the `cors` package
 * (and so of Nest's `app.enableCors()`), so existing option objects can be passed unchanged;
 * `allowPrivateNetwork` is the one addition.
 *
 * @example
 * ```ts
 * const partner: CorsPolicyOptions = { origin: ['https://partner.example.org'], methods: ['GET'], maxAge: 600 };
 * ```
 */
export interface CorsPolicyOptions {
  /**
   * Which origins may read responses.
   * - `'*'`: any origin (never together with `credentials: true`).
   * - a string, or an array of strings: exact origins such as `https://app.example.com`, and
   *   subdomain patterns such as `https://*.example.com` (one or more labels in place of `*`)
   *   or `http://localhost:*` (any port).
   * - a RegExp (anchored with `^` and `$`), alone or inside an array.
   * - `true`: reflect any origin (never together with `credentials: true`).
   * - `false` or absent: no cross-origin access.
   * - a function, called with the request's (normalised) origin: returning the value
   *   synchronously, as a Promise, or through a `(origin, callback)` callback as in `cors`.
   * @default undefined (no cross-origin access)
   */
  origin?: CorsOrigin;
  /**
   * Methods allowed in preflights, as an array or a comma-separated string.
   * @default the methods the matched path really serves
   */
  methods?: string | readonly string[];
  /**
   * Request headers allowed in preflights, as an array or a comma-separated string. `'*'` allows
   * any header except `Authorization`, which must be listed by name.
   * @default the headers the preflight asks for (reflected, with `Vary: Access-Control-Request-Headers`)
   */
  allowedHeaders?: string | readonly string[];
  /**
   * Response headers that scripts may read beyond the CORS-safelisted ones.
   * @default none
   */
  exposedHeaders?: string | readonly string[];
  /**
   * Whether cookies and HTTP authentication may be sent (`Access-Control-Allow-Credentials: true`).
   * Requires explicit origins: the allowed origin is echoed, never `*`.
   * @default false
   */
  credentials?: boolean;
  /**
   * How long, in seconds, browsers may cache a preflight (`Access-Control-Max-Age`).
   * @default not sent (Chromium then caches for 5 seconds)
   */
  maxAge?: number;
  /**
   * Status of a successful preflight response.
   * @default 204
   */
  optionsSuccessStatus?: number;
  /**
   * Pass allowed preflights on to the application (with the CORS headers set) instead of
   * answering them.
   * @default false
   */
  preflightContinue?: boolean;
  /**
   * Answer Private Network Access preflights (`Access-Control-Request-Private-Network: true`)
   * with `Access-Control-Allow-Private-Network: true`; without it they are rejected.
   * @default false
   */
  allowPrivateNetwork?: boolean;
  /**
   * Accept plain-`http:` origins other than loopback together with `credentials: true`. Anyone on
   * the network path to such an origin can inject script into it and read credentialed responses:
   * only for networks you trust end to end.
   * @default false
   */
  dangerouslyAllowInsecureHttpOriginsWithCredentials?: boolean;
}

/** An origin value that needs no request to interpret (everything but a function). */
export type StaticOrigin = boolean | string | RegExp | ReadonlyArray<string | RegExp>;

/** The callback of a `cors`-style origin function. */
export type OriginCallback = (err: Error | null, origin?: StaticOrigin) => void;

/**
 * An origin function. It receives the request's origin, normalised (lower-case scheme and host,
 * no default port), or the string `'null'` for opaque origins. It is not called for requests
 * without an `Origin` header.
 */
export type CustomOrigin =
  | ((requestOrigin: string | undefined, callback: OriginCallback) => void)
  | ((requestOrigin: string | undefined) => StaticOrigin | null | undefined | Promise<StaticOrigin | null | undefined>);

/**
 * Every form the `origin` option takes.
 *
 * @example
 * ```ts
 * const origin: CorsOrigin = ['https://app.example.com', 'https://*.example.com', /^https:\/\/[a-z]+\.example\.org$/];
 * ```
 */
export type CorsOrigin = StaticOrigin | CustomOrigin;

/** The option names a policy accepts; anything else is a configuration error. */
export const POLICY_OPTION_NAMES: readonly (keyof CorsPolicyOptions)[] = [
  'origin',
  'methods',
  'allowedHeaders',
  'exposedHeaders',
  'credentials',
  'maxAge',
  'optionsSuccessStatus',
  'preflightContinue',
  'allowPrivateNetwork',
  'dangerouslyAllowInsecureHttpOriginsWithCredentials',
];
