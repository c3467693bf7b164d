import { type PipeTransform } from '@nestjs/common';
import { AppError, ErrorCode } from '@spawnpoint/shared';
import { PLAYER_ID } from '../dto/player.dto.js';

/** Validates a `:playerId` path parameter against the one player id syntax (see CustomAuthDto). */
export class PlayerIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!PLAYER_ID.test(value)) {
      throw new AppError(ErrorCode.ValidationFailed, 'The player id is not valid', [
        { field: 'playerId', message: 'player ids are 1-128 letters, digits, _ . : @ or -' },
      ]);
    }
    return value;
  }
}
