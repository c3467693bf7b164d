import { Injectable } from '@nestjs/common';
import { MetricsService } from '@spawnpoint/observability';
import { Gauge, Histogram } from 'prom-client';

/** Matching quality per mode, on the process's /metrics (the worker's, where matches form). */
@Injectable()
export class MatchmakingMetrics {
  readonly waitSeconds: Histogram<'mode'>;
  readonly skillSpread: Histogram<'mode'>;
  readonly queueDepth: Gauge<'mode'>;
  readonly matches: Histogram<'mode'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.waitSeconds = new Histogram({
      name: 'spawnpoint_matchmaking_wait_seconds',
      help: 'Time from queueing to being matched, per ticket, by mode',
      labelNames: ['mode'],
      buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers,
    });
    this.skillSpread = new Histogram({
      name: 'spawnpoint_matchmaking_skill_spread',
      help: 'Highest minus lowest skill rating in a formed match, by mode',
      labelNames: ['mode'],
      buckets: [10, 25, 50, 100, 200, 400, 800, 1600],
      registers,
    });
    this.matches = new Histogram({
      name: 'spawnpoint_matchmaking_matcher_run_seconds',
      help: 'Duration of one matcher run over one (game, mode), by mode',
      labelNames: ['mode'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    });
    this.queueDepth = new Gauge({
      name: 'spawnpoint_matchmaking_queue_depth',
      help: 'Queued tickets by mode (all games), as of the last matcher tick',
      labelNames: ['mode'],
      registers,
    });
  }

  setQueueDepth(byMode: Map<string, number>): void {
    this.queueDepth.reset();
    for (const [mode, depth] of byMode) this.queueDepth.set({ mode }, depth);
  }
}
