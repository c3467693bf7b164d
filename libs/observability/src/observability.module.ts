import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';
import { MetricsService } from './metrics.service.js';
import { UsageRecorder } from './usage/usage.recorder.js';
import { UsageService } from './usage/usage.service.js';

@Global()
@Module({
  controllers: [HealthController],
  providers: [HealthService, MetricsService, UsageRecorder, UsageService],
  exports: [HealthService, MetricsService, UsageRecorder, UsageService],
})
export class ObservabilityModule {}
