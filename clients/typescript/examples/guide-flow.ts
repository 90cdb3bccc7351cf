/**
 * The guide's Python example ("Testing the API with ... Python") in TypeScript with the typed client:
 * register, browse with filters, add to cart, read the cart, the dashboard. `npm run example:client`;
 * BASE_URL picks the server (default http://localhost:8000/api/v1) or the mock (http://127.0.0.1:4010).
 */
import { createLearnFlowClient, unwrap } from '../src';

export async function guideFlow(
  baseUrl: string,
  log: (line: string) => void = console.log,
): Promise<{ courseId?: string; cartTotal: number }> {
  const client = createLearnFlowClient({ baseUrl });
  const { api } = client;

  log('Registering...');
  const email = process.env.EXAMPLE_EMAIL ?? `john.doe+${Date.now()}@example.com`;
  const registered = unwrap(
    await api.POST('/auth/register/', { body: { email, password: 'SecurePassword123!', first_name: 'John', last_name: 'Doe' } }),
  );
  client.signIn(registered);
  log(`Registered: ${registered.email}`);

  log('Getting courses...');
  const courses = unwrap(
    await api.GET('/courses/', { params: { query: { page: 1, page_size: 20, category: 'Development', level: 'beginner' } } }),
  );
  log(`Found ${courses.count} courses`);

  let courseId: string | undefined;
  const first = courses.results[0];
  if (first) {
    courseId = first.id;
    log(`Adding course ${courseId} to cart...`);
    const item = unwrap(await api.POST('/cart/items/', { body: { course_id: courseId } }));
    log(`Added to cart: ${item.course.title}`);
  }

  log('Getting cart...');
  const cart = unwrap(await api.GET('/cart/'));
  log(`Cart total: $${cart.total_price}`);

  log('Getting dashboard stats...');
  const stats = unwrap(await api.GET('/dashboard/stats/'));
  log(`Enrolled courses: ${stats.courses_enrolled}`);
  log(`Completed courses: ${stats.courses_completed}`);
  log(`Total hours learned: ${stats.total_hours_learned}`);
  return { courseId, cartTotal: cart.total_price };
}

if (require.main === module) {
  guideFlow(process.env.BASE_URL ?? 'http://localhost:8000/api/v1').catch((err: Error) => {
    console.error(`${err.name}: ${err.message}`);
    process.exit(1);
  });
}
