// World modules by name: `POST /worlds` picks one; `arena` is always there.
import { ArenaModule } from './arena.js';
import type { WorldModule } from './world-module.js';

export type WorldModuleFactory = (options: Record<string, unknown>) => WorldModule;

export class UnknownWorldModuleError extends Error {
  override name = 'UnknownWorldModuleError';

  constructor(readonly moduleName: string) {
    super(`unknown world module "${moduleName}"`);
  }
}

export const DEFAULT_WORLD_MODULE = 'arena';

export class WorldModuleRegistry {
  private readonly factories = new Map<string, WorldModuleFactory>();

  constructor() {
    this.register(DEFAULT_WORLD_MODULE, (options) => new ArenaModule(options));
  }

  /** Adds or replaces a module (a studio may override `arena`). */
  register(name: string, factory: WorldModuleFactory): void {
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)) throw new RangeError(`invalid world module name "${name}"`);
    this.factories.set(name, factory);
  }

  has(name: string): boolean {
    return this.factories.has(name);
  }

  names(): string[] {
    return [...this.factories.keys()].sort();
  }

  create(name: string, options: Record<string, unknown> = {}): WorldModule {
    const factory = this.factories.get(name);
    if (!factory) throw new UnknownWorldModuleError(name);
    return factory(options);
  }
}
