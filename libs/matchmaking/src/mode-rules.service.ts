import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@spawnpoint/shared';
import { MatchmakingRepository } from './matchmaking.repository.js';
import { DEFAULT_MODE_RULES, rulesProblem, type ModeRules } from './mode-rules.js';

/** Per-game, per-mode rules: stored as given, read merged over the defaults. */
@Injectable()
export class ModeRulesService {
  constructor(private readonly repository: MatchmakingRepository) {}

  /** The rules of a mode; an unconfigured mode gets DEFAULT_MODE_RULES so any mode works on an empty game. */
  async rulesFor(gameId: string, mode: string): Promise<ModeRules> {
    const stored = (await this.repository.findModeConfig(gameId, mode)) as Partial<ModeRules> | null;
    return stored ? { ...DEFAULT_MODE_RULES, ...stored } : DEFAULT_MODE_RULES;
  }

  async save(gameId: string, mode: string, rules: ModeRules): Promise<ModeRules> {
    const problem = rulesProblem(rules);
    if (problem) throw new AppError(ErrorCode.ValidationFailed, problem);
    await this.repository.saveModeConfig(gameId, mode, rules);
    return rules;
  }
}
