import type { Request, Response } from 'express';
import type { Context } from 'openapi-backend';
import type { operations } from '../generated/api';
import type { Deps } from '../deps';

/** operationId is the only key between the contract and the code. */
export type OperationId = keyof operations;

export type Handler = (c: Context, req: Request, res: Response, deps: Deps) => Promise<void> | void;

/** The handler map: one handler per operationId, so a missing or misspelled one fails compilation. */
export type HandlerMap = Record<OperationId, Handler>;

type JsonContent<T> = T extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON body of `Op`'s response with status `S`, from the generated types. */
export type ResponseBody<Op extends OperationId, S extends keyof operations[Op]['responses']> = JsonContent<operations[Op]['responses'][S]>;

/** The JSON request body of `Op`, as validated by openapi-backend. */
export type RequestBody<Op extends OperationId> = operations[Op] extends { requestBody?: infer R } ? JsonContent<NonNullable<R>> : never;

/** The query parameters of `Op` after validation and coercion. */
export type QueryParams<Op extends OperationId> = operations[Op] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** The path parameters of `Op`. */
export type PathParams<Op extends OperationId> = operations[Op] extends { parameters: { path?: infer P } } ? NonNullable<P> : never;

export function body<Op extends OperationId>(c: Context): RequestBody<Op> {
  return c.request.requestBody as RequestBody<Op>;
}

export function query<Op extends OperationId>(c: Context): QueryParams<Op> {
  return c.request.query as QueryParams<Op>;
}

export function params<Op extends OperationId>(c: Context): PathParams<Op> {
  return c.request.params as PathParams<Op>;
}
