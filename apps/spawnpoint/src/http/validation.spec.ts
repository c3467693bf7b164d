import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RankQueryDto, SubmitScoreDto } from '../../../api/src/leaderboards/leaderboards.dto.js';
import { AppValidationPipe, createValidationPipe } from './validation.js';

describe(AppValidationPipe.name, () => {
  const sut = createValidationPipe();
  /** What the pipe answers without any fast path: class-transformer + class-validator. */
  const fullPipe = (value: unknown, metadata: ArgumentMetadata): Promise<unknown> =>
    ValidationPipe.prototype.transform.call(sut, value, metadata) as Promise<unknown>;
  const outcome = async (run: () => Promise<unknown>) => {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      return { ok: false, value: error };
    }
  };

  const body: ArgumentMetadata = { type: 'body', metatype: SubmitScoreDto };
  const anyValue = fc.oneof(
    fc.string({ maxLength: 140 }),
    fc.stringMatching(/^[A-Za-z0-9_.:@-]{1,128}$/),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.double(),
    fc.constantFrom(null, true, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -0, ''),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
    fc.array(fc.integer(), { maxLength: 2 }),
  );
  const bodies = fc.oneof(
    fc.record({ player_id: anyValue, score: anyValue, subscore: anyValue, metadata: anyValue, extra: anyValue }, { requiredKeys: [] }),
    fc.record({ player_id: fc.stringMatching(/^[A-Za-z0-9_.:@-]{1,128}$/), score: fc.maxSafeInteger() }),
    anyValue,
  );

  it('answers exactly what the full validator answers whenever it takes the fast path', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, async (value) => {
        const fast = SubmitScoreDto.acceptValid(value);
        const full = await outcome(() => fullPipe(value, body));
        if (fast !== undefined) {
          expect(full.ok).toBe(true);
          expect(fast).toBeInstanceOf(SubmitScoreDto);
          expect(fast).toStrictEqual(full.value);
        }
        expect(await outcome(() => sut.transform(value, body))).toStrictEqual(full);
      }),
      { numRuns: 2000 },
    );
  });

  it('takes the fast path for the common flat bodies', () => {
    expect(SubmitScoreDto.acceptValid({ player_id: 'p1', score: 15847 })).toStrictEqual(
      Object.assign(new SubmitScoreDto(), { player_id: 'p1', score: 15847 }),
    );
    expect(SubmitScoreDto.acceptValid({ player_id: 'p1', score: -3, subscore: 2 })).toBeInstanceOf(SubmitScoreDto);
    expect(SubmitScoreDto.acceptValid({ player_id: 'p1', score: 1, metadata: {} })).toBeUndefined();
    expect(SubmitScoreDto.acceptValid({ player_id: 'p1', score: 1, subscore: null })).toBeUndefined();
  });

  it('takes the fast path for a rank query without parameters, and only then', async () => {
    const query: ArgumentMetadata = { type: 'query', metatype: RankQueryDto };
    for (const value of [{}, Object.create(null) as object, { season: '2' }, { season: 'x' }, { other: '1' }]) {
      const fast = RankQueryDto.acceptValid(value);
      const full = await outcome(() => fullPipe(value, query));
      expect(fast === undefined).toBe(Object.keys(value).length > 0);
      if (fast !== undefined) expect(fast).toStrictEqual(full.value);
      expect(await outcome(() => sut.transform(value, query))).toStrictEqual(full);
    }
  });
});
