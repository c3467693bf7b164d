import { type PipeTransform } from '@nestjs/common';
import { GAME_MODE_PATTERN } from '@spawnpoint/matchmaking';
import { AppError, ErrorCode } from '@spawnpoint/shared';

/** Validates a `:gameMode` path parameter with the same syntax as the `game_mode` body field. */
export class GameModePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!GAME_MODE_PATTERN.test(value)) {
      throw new AppError(ErrorCode.ValidationFailed, 'The game mode is not valid', [
        { field: 'gameMode', message: 'game modes are 1-64 letters, digits, _ . or -' },
      ]);
    }
    return value;
  }
}
