import { DynamicModule, Global, Module } from '@nestjs/common';
import { PharosConfig } from './pharos-config';

/** Makes the one validated `PharosConfig` injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: PharosConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: PharosConfig, useValue: config }], exports: [PharosConfig] };
  }
}
