import { fuzzFile } from './fuzzer';

/** Schema-driven fuzzing of every GET operation (see fuzzer.ts). */
fuzzFile('reads', (op) => op.method === 'get', 110);
