import { AppError, ErrorCode } from '@spawnpoint/shared';
import type { CreateResult } from './players.repository.js';

type Conflict = Extract<CreateResult, { ok: false }>['conflict'];

export function conflictError(conflict: Conflict): AppError {
  switch (conflict) {
    case 'email':
      return new AppError(ErrorCode.EmailTaken, 'This email is already used by another player of this game');
    case 'username':
      return new AppError(ErrorCode.UsernameTaken, 'This username is already taken in this game');
    case 'id':
    case 'custom_id':
      return new AppError(ErrorCode.PlayerIdTaken, 'This player id is already used by another player of this game');
    case 'device':
      return new AppError(ErrorCode.AlreadyLinked, 'This device is already linked to another player');
  }
}
