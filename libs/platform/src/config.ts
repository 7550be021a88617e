import { z } from 'zod';
import path from 'node:path';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  PARLEY_REDIS_PREFIX: z.string().regex(/^[\w.:-]{1,64}$/, 'letters, digits, _ . : - only (at most 64)').default('parley'),
  PUBLIC_URL: z.url({ message: 'must be an absolute URL such as https://support.example.com' }).optional(),
  PARLEY_SECRET_KEY: z.string().min(16, 'must be at least 16 characters (32 random bytes recommended)').optional(),
  PARLEY_ADMIN_EMAIL: z.email('must be an email address').optional(),
  PARLEY_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  PARLEY_ALLOW_PRIVATE_URLS: bool.default(false),
  PARLEY_DATA_DIR: z.string().default('./data'),
  PARLEY_WORKERS: bool.default(true),
  PARLEY_TOKEN_TTL_HOURS: z.coerce.number().positive().default(12),
  PARLEY_DEMO_PASSWORD: z.string().min(8).optional(),
  PARLEY_BODY_LIMIT: z.string().default('1mb'),
  PARLEY_UPLOAD_LIMIT_MB: z.coerce.number().positive().default(25),
  PARLEY_DISPATCH_INTERVAL_MS: z.coerce.number().int().positive().default(250),
  PARLEY_RETRY_BASE_MS: z.coerce.number().int().positive().default(2000),
  PARLEY_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(6),
  PARLEY_EMBEDDED_DB_BIN: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type RawConfig = z.infer<typeof schema>;

export interface AppConfig {
  port: number;
  host: string;
  mongoUri: string | null;
  redisUrl: string | null;
  /** Key prefix of the Redis streams shared by the API processes (one per deployment). */
  redisPrefix: string;
  publicUrl: string;
  secretKey: string | null;
  adminEmail: string | null;
  adminPassword: string | null;
  allowPrivateUrls: boolean;
  dataDir: string;
  workers: boolean;
  tokenTtlMs: number;
  demoPassword: string | null;
  bodyLimit: string;
  uploadLimitBytes: number;
  dispatchIntervalMs: number;
  retryBaseMs: number;
  maxAttempts: number;
  embeddedDbBin: string | null;
  logLevel: RawConfig['LOG_LEVEL'];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads the environment once at start; every bad value gets its own line in the error. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const c = parsed.data;
  const problems: string[] = [];
  if ((c.PARLEY_ADMIN_EMAIL == null) !== (c.PARLEY_ADMIN_PASSWORD == null)) {
    problems.push('PARLEY_ADMIN_EMAIL and PARLEY_ADMIN_PASSWORD must be set together');
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    port: c.PORT,
    host: c.HOST,
    mongoUri: c.MONGODB_URI ?? null,
    redisUrl: c.REDIS_URL ?? null,
    redisPrefix: c.PARLEY_REDIS_PREFIX,
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    secretKey: c.PARLEY_SECRET_KEY ?? null,
    adminEmail: c.PARLEY_ADMIN_EMAIL?.toLowerCase() ?? null,
    adminPassword: c.PARLEY_ADMIN_PASSWORD ?? null,
    allowPrivateUrls: c.PARLEY_ALLOW_PRIVATE_URLS,
    dataDir: path.resolve(c.PARLEY_DATA_DIR),
    workers: c.PARLEY_WORKERS,
    tokenTtlMs: c.PARLEY_TOKEN_TTL_HOURS * 3600_000,
    demoPassword: c.PARLEY_DEMO_PASSWORD ?? null,
    bodyLimit: c.PARLEY_BODY_LIMIT,
    uploadLimitBytes: Math.round(c.PARLEY_UPLOAD_LIMIT_MB * 1024 * 1024),
    dispatchIntervalMs: c.PARLEY_DISPATCH_INTERVAL_MS,
    retryBaseMs: c.PARLEY_RETRY_BASE_MS,
    maxAttempts: c.PARLEY_MAX_ATTEMPTS,
    embeddedDbBin: c.PARLEY_EMBEDDED_DB_BIN ?? null,
    logLevel: c.LOG_LEVEL,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
