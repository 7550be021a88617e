import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { Server, type ServerOptions } from 'socket.io';
import type { Logger } from '@parley/platform';

/** Missed events are replayed to a client that comes back within this long (CONTRACT.md). */
export const RECOVERY_WINDOW_MS = 2 * 60 * 1000;

export interface ParleyIoAdapterOptions {
  /** Shared rooms and events between API processes; null = one process, in-memory adapter. */
  redisUrl: string | null;
  /** Namespaces the Redis stream, channels and session keys, so several deployments can share one Redis. */
  keyPrefix?: string;
  log: Logger;
}

/**
 * The one Socket.IO server of the process (every gateway namespace shares it): connection state recovery,
 * and with REDIS_URL the Redis streams adapter, which (unlike the pub/sub adapter) keeps recovery working
 * across processes. Any origin may connect: `/agents` authenticates with a bearer token, never a cookie, and
 * `/widget` checks the Origin against the inbox's allowed origins itself.
 */
export class ParleyIoAdapter extends IoAdapter {
  private redis: Redis | null = null;
  private readonly prefix: string;

  constructor(app: INestApplicationContext, private readonly opts: ParleyIoAdapterOptions) {
    super(app);
    this.prefix = opts.keyPrefix ?? 'parley';
    if (!/^[\w.:-]{1,64}$/.test(this.prefix)) throw new Error('PARLEY_REDIS_PREFIX: letters, digits, _ . : - only (at most 64)');
  }

  /** Connects to Redis before the server exists, so a wrong REDIS_URL fails the start instead of every emit. */
  async connect(): Promise<void> {
    if (!this.opts.redisUrl) return;
    const redis = new Redis(this.opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    let lastError = '';
    redis.on('error', (err: Error) => {
      if (err.message === lastError) return; // ioredis retries forever; say it once per cause
      lastError = err.message;
      this.opts.log.warn({ err }, 'realtime: Redis connection problem');
    });
    redis.on('ready', () => { lastError = ''; });
    try {
      await redis.connect();
      await redis.ping();
    } catch (e) {
      redis.disconnect();
      throw new Error(`REDIS_URL is set but Redis is not reachable: ${(e as Error).message}`);
    }
    this.redis = redis;
    this.opts.log.info({ prefix: this.prefix }, 'realtime: Socket.IO shares rooms and events through Redis streams');
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const opts: Partial<ServerOptions> = {
      ...options,
      cors: options?.cors ?? { origin: true, credentials: false },
      connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: true },
    };
    if (this.redis) {
      opts.adapter = createAdapter(this.redis, {
        streamName: `${this.prefix}:sio`,
        channelPrefix: `${this.prefix}:sio`,
        sessionKeyPrefix: `${this.prefix}:sio:session:`,
        maxLen: 10_000,
        onlyPlaintext: true,
      });
    }
    // Our own socket.io (not the copy @nestjs/platform-socket.io pins), the one the Redis adapter is built for.
    return this.httpServer && port === 0 ? new Server(this.httpServer, opts) : new Server(port, opts);
  }

  override async close(server: Parameters<IoAdapter['close']>[0]): Promise<void> {
    await super.close(server);
    if ((server as unknown) instanceof Server && this.redis) {
      const redis = this.redis;
      this.redis = null;
      await redis.quit().catch(() => redis.disconnect());
    }
  }
}
