import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@spawnpoint/config';
import { MetricsService } from '@spawnpoint/observability';
import { RateLimiter, type RateLimit } from '@spawnpoint/redis';
import { RateLimitedError } from '@spawnpoint/shared';

const WINDOW_MS = 15 * 60 * 1000;

/**
 * Failed logins are counted per account and per IP; once either is spent, every login attempt
 * for it gets 429 with Retry-After, right or wrong password. Successful logins cost nothing.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly limiter: RateLimiter,
    private readonly metrics: MetricsService,
  ) {}

  async assertAllowed(account: string, ip: string): Promise<void> {
    const result = await this.limiter.peek(this.limits(account, ip));
    if (!result.allowed) {
      this.metrics.rateLimited.inc({ scope: 'login' });
      throw new RateLimitedError(result.retryAfterMs / 1000, 'Too many failed login attempts');
    }
  }

  async recordFailure(account: string, ip: string): Promise<void> {
    await this.limiter.consume(this.limits(account, ip));
  }

  private limits(account: string, ip: string): RateLimit[] {
    return [
      { key: `login:account:${account}`, limit: this.config.LOGIN_FAILURES_PER_ACCOUNT, periodMs: WINDOW_MS },
      { key: `login:ip:${ip}`, limit: this.config.LOGIN_FAILURES_PER_IP, periodMs: WINDOW_MS },
    ];
  }
}
