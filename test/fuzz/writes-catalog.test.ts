import { fuzzFile } from './fuzzer';

/** Schema-driven fuzzing of the writes of accounts, courses, curriculum and reviews (see fuzzer.ts). */
const CATALOG = /^\/(auth|courses|reviews|instructor)\//;
fuzzFile(
  'writes of accounts, courses and reviews',
  (op) => op.method !== 'get' && CATALOG.test(op.path) && !op.path.endsWith('/enroll/'),
  80,
);
