import type { ConfigService } from '@nestjs/config';
import { parseOrigins, type CorsModuleOptions } from 'nestjs-route-cors';

/**
 * The defaults let `npm run sample` work with no .env. CORS_ORIGINS has none of its own: unset, it
 * is the demo page's origin, http://localhost:<DEMO_PORT>, so that changing the ports keeps the demo
 * page allowed.
 */
export const SAMPLE_DEFAULTS = {
  PORT: '3000',
  DEMO_PORT: '5173',
  HOST: '127.0.0.1',
  PARTNER_ORIGINS: 'https://partner.example.org, https://*.partner.example.org',
  CORS_MAX_AGE: '600',
} as const;

/** The HTTP platforms the sample runs on: Nest's two official ones, with the same module and decorators. */
export const SAMPLE_PLATFORMS = ['express', 'fastify'] as const;
export type SamplePlatform = (typeof SAMPLE_PLATFORMS)[number];

/**
 * PLATFORM, from the environment only: the adapter is chosen before Nest (and its ConfigModule,
 * which reads sample/.env) exists. Unset: Express.
 */
export function samplePlatform(value = process.env.PLATFORM): SamplePlatform {
  const platform = (value ?? '').trim().toLowerCase() || 'express';
  if (!(SAMPLE_PLATFORMS as readonly string[]).includes(platform)) {
    throw new Error(`PLATFORM must be one of ${SAMPLE_PLATFORMS.join(', ')}, got ${JSON.stringify(value)}.`);
  }
  return platform as SamplePlatform;
}

/** One origin list as configured: its text, and where that text came from. */
export interface OriginSetting {
  readonly name: 'CORS_ORIGINS' | 'PARTNER_ORIGINS';
  readonly value: string;
  /** The parsed list ('*' or origins and patterns). */
  readonly origins: string[] | '*';
  /** Undefined when the variable is set; otherwise how the default was chosen. */
  readonly defaulted?: string;
}

/** Everything the sample reads from the environment (process.env wins over sample/.env). */
export interface SampleSettings {
  readonly port: number;
  readonly demoPort: number;
  readonly host: string;
  /** The demo page's origin as the banner prints it: http://localhost:<DEMO_PORT>. */
  readonly demoOrigin: string;
  readonly corsOrigins: OriginSetting;
  readonly partnerOrigins: OriginSetting;
  readonly maxAge: number;
  readonly debug: boolean;
}

export function demoOriginFor(demoPort: number): string {
  return `http://localhost:${demoPort}`;
}

/** The settings of the sample, validated; throws with the variable's name on a bad value. */
export function readSampleSettings(config: ConfigService): SampleSettings {
  // A variable set to an empty string counts as not set (a .env line "CORS_ORIGINS=").
  const raw = (key: string): string | undefined => {
    const value = config.get<string>(key);
    return value === undefined || value === null || String(value).trim() === '' ? undefined : String(value).trim();
  };
  const port = (key: 'PORT' | 'DEMO_PORT'): number => {
    const text = raw(key) ?? SAMPLE_DEFAULTS[key];
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < 1 || value > 65535) {
      throw new Error(`${key} must be a port number from 1 to 65535, got ${JSON.stringify(text)}.`);
    }
    return value;
  };
  const apiPort = port('PORT');
  const demoPort = port('DEMO_PORT');
  const demoOrigin = demoOriginFor(demoPort);

  const corsText = raw('CORS_ORIGINS');
  const corsOrigins: OriginSetting =
    corsText !== undefined
      ? { name: 'CORS_ORIGINS', value: corsText, origins: parseOrigins(corsText, 'CORS_ORIGINS') }
      : {
          name: 'CORS_ORIGINS',
          value: demoOrigin,
          origins: parseOrigins(demoOrigin, 'CORS_ORIGINS'),
          defaulted: `not set: the demo page's origin, from DEMO_PORT=${demoPort}`,
        };
  const partnerText = raw('PARTNER_ORIGINS');
  const partnerOrigins: OriginSetting = {
    name: 'PARTNER_ORIGINS',
    value: partnerText ?? SAMPLE_DEFAULTS.PARTNER_ORIGINS,
    origins: parseOrigins(partnerText ?? SAMPLE_DEFAULTS.PARTNER_ORIGINS, 'PARTNER_ORIGINS'),
    ...(partnerText === undefined ? { defaulted: 'not set: the sample default' } : {}),
  };
  const maxAgeText = raw('CORS_MAX_AGE') ?? SAMPLE_DEFAULTS.CORS_MAX_AGE;
  if (!/^\d+$/.test(maxAgeText)) throw new Error(`CORS_MAX_AGE must be a whole number of seconds, got ${JSON.stringify(maxAgeText)}.`);
  return {
    port: apiPort,
    demoPort,
    host: raw('HOST') ?? SAMPLE_DEFAULTS.HOST,
    demoOrigin,
    corsOrigins,
    partnerOrigins,
    maxAge: Number(maxAgeText),
    debug: raw('CORS_DEBUG') === 'true',
  };
}

/** CorsModule options from the environment, the way an application reads them. */
export function corsOptionsFromConfig(config: ConfigService): CorsModuleOptions {
  const settings = readSampleSettings(config);
  return {
    origin: settings.corsOrigins.origins,
    credentials: true,
    allowedHeaders: ['content-type', 'authorization'],
    maxAge: settings.maxAge,
    debug: settings.debug,
    policies: {
      public: { origin: '*', methods: ['GET'] },
      partner: { origin: settings.partnerOrigins.origins },
    },
  };
}
