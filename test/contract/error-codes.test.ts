import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, ERRORS, ERROR_STATUS, type ErrorCode } from '../../src/errors';
import { type Json, operations, readBundle, resolve, response } from '../support/document';

/**
 * One error code, one HTTP status: the server's table (src/errors.ts) and the contract's ErrorCode (its enum
 * and `x-status` map) must be the same, and every error example the contract shows must use a code whose
 * status is the status of the response it sits in.
 */
const doc = readBundle();
const errorCode = doc.components.schemas.ErrorCode as Json;

describe('the error codes of the server and of the contract', () => {
  it('ErrorCode enum lists exactly the codes of ERROR_STATUS', () => {
    assert.deepEqual([...(errorCode.enum as string[])].sort(), Object.keys(ERROR_STATUS).sort());
  });

  it('ErrorCode x-status gives each code the status of ERROR_STATUS', () => {
    assert.deepEqual(errorCode['x-status'], { ...ERROR_STATUS });
  });

  it('each code has a default message, and new AppError(code) carries it', () => {
    for (const code of Object.keys(ERRORS) as ErrorCode[]) {
      assert.ok(ERRORS[code].message.length > 0, code);
      const err = new AppError(code);
      assert.deepEqual([err.status, err.message], [ERRORS[code].status, ERRORS[code].message]);
    }
  });

  it('the Error envelope uses ErrorCode for its code', () => {
    const code = (resolve(doc, doc.components.schemas.Error as Json).properties.error as Json).properties.code as Json;
    assert.equal(code.$ref, '#/components/schemas/ErrorCode');
  });
});

interface ErrorExample {
  where: string;
  status: number;
  code: string;
  message: string;
  bodyStatus: unknown;
}

function errorExamples(): ErrorExample[] {
  return operations(doc).flatMap((op) =>
    Object.keys(op.operation.responses ?? {}).flatMap((status) => {
      const { response: res } = response(doc, op, status)!;
      return Object.values((res.content ?? {}) as Json).flatMap((media) => {
        const values = [
          ...('example' in (media as Json) ? [(media as Json).example] : []),
          ...Object.values(((media as Json).examples ?? {}) as Json).map((ex) => resolve(doc, ex as Json).value),
        ] as Json[];
        return values
          .filter((value) => value && typeof value === 'object' && value.error && typeof value.error.code === 'string')
          .map((value) => ({
            where: `${op.operationId} ${status}`,
            status: Number(status),
            code: value.error.code as string,
            message: String(value.error.message),
            bodyStatus: value.error.status,
          }));
      });
    }),
  );
}

describe('error examples use codes of their response status', () => {
  const examples = errorExamples();

  it('finds the error examples', () => {
    assert.ok(examples.length > 200, `only ${examples.length} error examples found`);
  });

  it('each code belongs to the status it is shown under, and the body repeats that status', () => {
    const statuses = ERROR_STATUS as Record<string, number>;
    const wrong = examples
      .filter((ex) => statuses[ex.code] !== ex.status || ex.bodyStatus !== ex.status)
      .map((ex) => `${ex.where}: ${ex.code} (status ${statuses[ex.code] ?? 'unknown'}, body says ${String(ex.bodyStatus)})`);
    assert.deepEqual(wrong, []);
  });

  it('a code the contract shows with one fixed message has that message as its default', () => {
    const shown = new Map<string, Set<string>>();
    for (const ex of examples) shown.set(ex.code, (shown.get(ex.code) ?? new Set()).add(ex.message));
    // Their thrower words the message with a value (seconds, a Stripe status); the register example words the
    // conflict differently from the server, which predates it (a contract fix, not a refactoring).
    const known = new Set(['RATE_LIMIT_EXCEEDED', 'PAYMENT_NOT_SUCCEEDED', 'EMAIL_ALREADY_REGISTERED']);
    const differ = [...shown]
      .filter(([code, messages]) => !known.has(code) && messages.size === 1 && !messages.has(ERRORS[code as ErrorCode].message))
      .map(([code, messages]) => `${code}: contract says ${[...messages][0]}, catalogue says ${ERRORS[code as ErrorCode].message}`);
    assert.deepEqual(differ, []);
  });

  it('every error-envelope response shows at least one error example', () => {
    const isEnvelope = (op: ReturnType<typeof operations>[number], status: string): boolean =>
      Object.values((response(doc, op, status)!.response.content ?? {}) as Json).some(
        (media) => (media as Json).schema?.$ref === '#/components/schemas/Error',
      );
    const silent = operations(doc).flatMap((op) =>
      Object.keys(op.operation.responses ?? {})
        .filter((status) => isEnvelope(op, status))
        .filter((status) => !examples.some((ex) => ex.where === `${op.operationId} ${status}`))
        .map((status) => `${op.operationId} ${status}`),
    );
    assert.deepEqual(silent, []);
  });
});
