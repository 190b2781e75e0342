import type { ConfigService } from '@nestjs/config';
import { parseOrigins, type CorsModuleOptions } from 'nestjs-route-cors';

/** The defaults let `npm run sample` work with no .env: the demo page's origin is allowed. */
export const SAMPLE_DEFAULTS = {
  CORS_ORIGINS: 'http://localhost:5173',
  PARTNER_ORIGINS: 'https://partner.example.org, https://*.partner.example.org',
  CORS_MAX_AGE: '600',
} as const;

/** CorsModule options from the environment, the way an application reads them. */
export function corsOptionsFromConfig(config: ConfigService): CorsModuleOptions {
  const read = (key: keyof typeof SAMPLE_DEFAULTS) => config.get<string>(key) ?? SAMPLE_DEFAULTS[key];
  return {
    origin: parseOrigins(read('CORS_ORIGINS'), 'CORS_ORIGINS'),
    credentials: true,
    allowedHeaders: ['content-type', 'authorization'],
    maxAge: Number(read('CORS_MAX_AGE')),
    debug: config.get<string>('CORS_DEBUG') === 'true',
    policies: {
      public: { origin: '*', methods: ['GET'] },
      partner: { origin: parseOrigins(read('PARTNER_ORIGINS'), 'PARTNER_ORIGINS') },
    },
  };
}
