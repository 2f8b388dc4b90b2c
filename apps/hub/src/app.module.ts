import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { TokensStore } from './auth/tokens-store';
import { UpgradeAuth } from './auth/upgrade-auth';
import type { HubConfig } from './config/hub-config';
import { CLOCK, HUB_CONFIG, HUB_LOGGER } from './config/tokens';
import { HealthController } from './http/health.controller';
import { HubIdentity } from './http/hub-identity';
import { MetricsController } from './http/metrics.controller';
import { IngestSessions } from './ingest/ingest-sessions';
import { IngestGateway } from './ingest/ingest.gateway';
import { ExpositionService } from './metrics/exposition.service';
import { HubHealth } from './metrics/hub-health';
import { AgentRegistry, REGISTRY_OPTIONS, type RegistryOptions } from './registry/agent-registry';

@Module({})
export class AppModule {
  static forRoot(config: HubConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      controllers: [MetricsController, HealthController],
      providers: [
        { provide: HUB_CONFIG, useValue: config },
        { provide: HUB_LOGGER, useValue: logger },
        { provide: CLOCK, useValue: Date.now },
        { provide: REGISTRY_OPTIONS, useValue: { maxAgents: config.limits.maxAgents, graceSeconds: config.graceSeconds, handoverSeconds: config.handoverSeconds, agentTtlSeconds: config.agentTtlSeconds } satisfies RegistryOptions },
        HubIdentity,
        AgentRegistry,
        HubHealth,
        ExpositionService,
        TokensStore,
        UpgradeAuth,
        IngestSessions,
        IngestGateway,
      ],
    };
  }
}
