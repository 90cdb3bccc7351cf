import type { Knex } from 'knex';
import { SEED_NOW, seedId } from './demo';

type Row = Record<string, unknown>;

const DAY = 86_400_000;
/** Far enough ahead that the running coupons still run whenever the demo is started. */
const FAR_END = '2028-01-01T00:00:00Z';

/**
 * The coupons every seeded instructor runs, so the instructor screens and the README's coupon purchase have
 * something to show: each published paid demo course gets WELCOME20 (20% off, running, no limit); every other
 * one also a limited FLASH50 (50% off, 100 uses), every third an expired EARLYBIRD and every fourth an inactive
 * VIP999 at a fixed 9.99. Deterministic ids, like the rest of the demo.
 */
export function demoCouponRows(courses: Row[]): Row[] {
  const rows: Row[] = [];
  const paid = courses.filter((c) => c.is_published === true && typeof c.price_cents === 'number' && c.price_cents > 0);
  paid.forEach((course, i) => {
    const coupon = (code: string, fields: Row): void => {
      rows.push({
        id: seedId('coupon', course.id as string, code),
        course_id: course.id,
        code,
        percent_off: null,
        fixed_price_cents: null,
        max_redemptions: null,
        is_active: true,
        created_at: new Date(SEED_NOW - 60 * DAY).toISOString(),
        updated_at: new Date(SEED_NOW - 60 * DAY).toISOString(),
        ...fields,
      });
    };
    const running = { starts_at: new Date(SEED_NOW - 30 * DAY).toISOString(), ends_at: FAR_END };
    coupon('WELCOME20', { percent_off: 20, ...running });
    if (i % 2 === 0) coupon('FLASH50', { percent_off: 50, max_redemptions: 100, ...running });
    if (i % 3 === 0) {
      coupon('EARLYBIRD', {
        percent_off: 30,
        starts_at: new Date(SEED_NOW - 90 * DAY).toISOString(),
        ends_at: new Date(SEED_NOW - 45 * DAY).toISOString(),
      });
    }
    if (i % 4 === 0) coupon('VIP999', { fixed_price_cents: 999, is_active: false, ...running });
  });
  return rows;
}

export async function seedDemoCoupons(trx: Knex, courses: Row[]): Promise<number> {
  const rows = demoCouponRows(courses);
  for (let i = 0; i < rows.length; i += 500) await trx('coupons').insert(rows.slice(i, i + 500));
  return rows.length;
}
