import crypto from 'node:crypto';
import type { ApiClient } from './client';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  access: string;
  refresh: string;
}

/** Registers a fresh learner through the API (unique email per call). */
export async function registerLearner(
  api: ApiClient,
  overrides: Partial<{ email: string; password: string; first_name: string; last_name: string; timezone: string }> = {},
): Promise<TestUser> {
  const email = overrides.email ?? `learner-${crypto.randomUUID()}@example.com`;
  const password = overrides.password ?? 'SecurePassword123!';
  const res = await api.post('/auth/register/', {
    email,
    password,
    first_name: overrides.first_name ?? 'Test',
    last_name: overrides.last_name ?? 'Learner',
    ...(overrides.timezone ? { timezone: overrides.timezone } : {}),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, email, password, access: res.body.access_token, refresh: res.body.refresh_token };
}

/** Registers a user and makes them an instructor through the API. */
export async function registerInstructor(api: ApiClient): Promise<TestUser> {
  const user = await registerLearner(api, { first_name: 'Ina', last_name: 'Structor' });
  const res = await api.post('/auth/become-instructor/', { bio: 'Teaches things.' }, { token: user.access });
  if (res.status !== 200) throw new Error(`become-instructor failed: ${res.status} ${JSON.stringify(res.body)}`);
  return user;
}
