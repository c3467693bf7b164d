import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { PrismaService } from '@spawnpoint/prisma';
import { REDIS } from '@spawnpoint/redis';
import type { Redis } from 'ioredis';

export interface Readiness {
  status: 'ok' | 'unavailable';
  roles: string[];
  checks: Record<string, { ok: boolean; latency_ms: number; error?: string }>;
}

const CHECK_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly prisma: PrismaService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async readiness(): Promise<Readiness> {
    const [postgres, redis] = await Promise.all([
      this.check(() => this.prisma.ping()),
      this.check(async () => void (await this.redis.ping())),
    ]);
    const ok = postgres.ok && redis.ok;
    return { status: ok ? 'ok' : 'unavailable', roles: this.config.ROLES, checks: { postgres, redis } };
  }

  private async check(probe: () => Promise<void>): Promise<Readiness['checks'][string]> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        probe(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
        }),
      ]);
      return { ok: true, latency_ms: Math.round(performance.now() - started) };
    } catch (error) {
      return { ok: false, latency_ms: Math.round(performance.now() - started), error: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }
}
