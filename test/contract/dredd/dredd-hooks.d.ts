/** The part of Dredd 14's hooks API (`require('hooks')` inside a hookfile) that test/contract/dredd/hooks.ts uses. */
declare module 'hooks' {
  export interface DreddTransaction {
    name: string;
    id: string;
    fullPath: string;
    origin: { resourceName: string; actionName: string; exampleName: string };
    request: { method: string; uri: string; headers: Record<string, string>; body: string };
    expected: { statusCode: string; headers?: Record<string, string>; body?: string; bodySchema?: unknown };
    real?: { statusCode: number; headers: Record<string, string>; body: string; bodyEncoding?: 'utf-8' | 'base64' };
    skip: boolean;
    fail?: boolean | string;
    test?: { valid?: boolean; message?: string };
  }
  type Hook<T> = (data: T, done: () => void) => void;
  interface Hooks {
    beforeAll(hook: Hook<DreddTransaction[]>): void;
    beforeEach(hook: Hook<DreddTransaction>): void;
    beforeEachValidation(hook: Hook<DreddTransaction>): void;
    afterEach(hook: Hook<DreddTransaction>): void;
    afterAll(hook: Hook<DreddTransaction[]>): void;
  }
  const hooks: Hooks;
  export default hooks;
}
