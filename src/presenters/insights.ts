import type { ReviewFigures, SalesFigures } from '../repositories/insightReads';
import type { Schemas } from '../schemas';

/** The contract's sales figures: the stored sums plus net (gross − refunded, negative in a refund-heavy period). */
export function salesFigures(f: SalesFigures): Schemas['SalesFigures'] {
  return {
    sales_count: f.sales_count,
    gross_cents: f.gross_cents,
    refunds_count: f.refunds_count,
    refunded_cents: f.refunded_cents,
    net_cents: f.gross_cents - f.refunded_cents,
    discounted_sales_count: f.discounted_sales_count,
    discount_cents: f.discount_cents,
  };
}

export const NO_SALES: SalesFigures = {
  sales_count: 0,
  gross_cents: 0,
  refunds_count: 0,
  refunded_cents: 0,
  discounted_sales_count: 0,
  discount_cents: 0,
};

export const NO_REVIEWS: ReviewFigures = {
  reviews_count: 0,
  rating_sum: 0,
  rating_1: 0,
  rating_2: 0,
  rating_3: 0,
  rating_4: 0,
  rating_5: 0,
};

export function sumFigures<T extends object>(rows: Iterable<T>, zero: T): T {
  const total = { ...zero } as Record<string, number>;
  for (const row of rows) for (const [k, v] of Object.entries(row)) total[k] = (total[k] ?? 0) + (v as number);
  return total as T;
}

/** Two decimals, null without reviews. */
export function averageRating(f: ReviewFigures): number | null {
  return f.reviews_count > 0 ? Math.round((f.rating_sum / f.reviews_count) * 100) / 100 : null;
}

export function ratingDistribution(f: ReviewFigures): Schemas['RatingDistribution'] {
  return { '1': f.rating_1, '2': f.rating_2, '3': f.rating_3, '4': f.rating_4, '5': f.rating_5 };
}

/** A share in percent with one decimal; 0 of 0 is 0. */
export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;
}
