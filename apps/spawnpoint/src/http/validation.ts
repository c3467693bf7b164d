import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError, ErrorCode, type ErrorDetail } from '@spawnpoint/shared';

/** Unknown fields are rejected, types are checked, and every problem is reported with its field path. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new AppError(ErrorCode.ValidationFailed, 'The request is not valid', flatten(errors)),
  });
}

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message: message.replace(error.property, field) }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
