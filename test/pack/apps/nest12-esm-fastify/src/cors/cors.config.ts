import { parseOrigins, type CorsModuleOptions } from 'nestjs-route-cors';

export const APP_ORIGIN = 'https://app.example.com';

/** The front end (CORS_ORIGINS, or APP_ORIGIN) with credentials; a named policy open to all. */
export function corsOptions(env: Record<string, string | undefined> = process.env): CorsModuleOptions {
  return {
    origin: parseOrigins(env.CORS_ORIGINS ?? APP_ORIGIN, 'CORS_ORIGINS'),
    credentials: true,
    allowedHeaders: ['content-type', 'authorization'],
    policies: { public: { origin: '*' } },
  };
}
