import { AppError } from '../../errors';
import type { Handler } from '../types';

/**
 * Operations of the contract that are not built yet. Each answers 501 NOT_IMPLEMENTED in the envelope;
 * contract-tests/pending.ts lists the same operations for Dredd. Each issue that builds one removes it here.
 */
const notImplemented: Handler = () => {
  throw new AppError('NOT_IMPLEMENTED');
};


// With nothing pending this file must stay a module: without any export, `import * as pending` would carry a
// `default` key that openapi-backend rejects as a handler ("Handler should be a function").
export {};
