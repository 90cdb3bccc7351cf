import type { Db } from '../db/knex';

/**
 * Claims a Stripe event for processing: the event id is the primary key, so of concurrent deliveries of one
 * event exactly one insert succeeds (the others wait for it and then find the row). Must run in the same
 * transaction as the event's effect, so a failed effect releases the claim and Stripe's retry processes it; an
 * event without an effect is claimed on its own (one statement, no transaction around it).
 */
export async function claimStripeEvent(trx: Db, event: { id: string; type: string; payload: unknown }): Promise<boolean> {
  const rows = await trx('stripe_events')
    .insert({ id: event.id, type: event.type, payload: JSON.stringify(event.payload), processed_at: trx.fn.now() })
    .onConflict('id')
    .ignore()
    .returning('id');
  return rows.length === 1;
}
