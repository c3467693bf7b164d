import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Role } from './roles.js';

/** What a process role contributes: its root module, and setup that must run before the app initialises. */
export interface RoleDefinition {
  name: Role;
  module: Type<unknown> | DynamicModule;
  configure?(app: NestFastifyApplication): void | Promise<void>;
}
