/** Money is integer cents inside; the JSON amounts of the contract are decimal major units rendered at the edge. */
export function centsToAmount(cents: number): number {
  return Math.round(cents) / 100;
}

/** A client-side decimal amount (e.g. an instructor's price 89.99) to cents, rounding away float noise. */
export function amountToCents(amount: number): number {
  return Math.round(amount * 100);
}
