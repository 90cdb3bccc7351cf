import type { HandlerMap } from '../types';
import * as auth from './auth';
import * as health from './health';
import * as pending from './pending';

/** Every operationId of the contract mapped to its handler; `satisfies` makes a missing one a compile error. */
export const handlers = {
  ...pending,
  ...health,
  ...auth,
} satisfies HandlerMap;
