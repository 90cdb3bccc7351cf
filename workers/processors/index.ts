import type { ProcessorMap } from '../processor';

/** One processor per job name; each lives in its own file beside this one. */
export const processors: ProcessorMap = {};
