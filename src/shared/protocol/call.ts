import type { z } from 'zod';

/**
 * One client→server call of the contract: the schema its payload is parsed with (`z.input`
 * is what a client sends, `z.output` what the server's handler gets) and what its
 * acknowledgement carries on success (`Ack<Answer>`, src/shared/errors.ts).
 */
export interface Call<Schema extends z.ZodType, Answer> {
  readonly schema: Schema;
  readonly answer: Answer;
}
