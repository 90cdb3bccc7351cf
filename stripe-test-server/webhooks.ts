import Stripe from 'stripe';
import type { StripeEvent } from './objects';

export interface Delivery {
  eventId: string;
  type: string;
  attempt: number;
  status: number | null;
  error?: string;
}

/** Delays between attempts when the endpoint fails or is down (Stripe retries for days; a test server, briefly). */
const RETRY_DELAYS_MS = [250, 1000, 3000, 10_000];

/**
 * Sends events to the webhook endpoint as Stripe does: the JSON body signed with the endpoint's secret in the
 * Stripe-Signature header, retried while the endpoint answers an error or cannot be reached.
 */
export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waits = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  constructor(
    private readonly url: string | null,
    private readonly secret: string,
    private readonly log: (line: string) => void,
  ) {}

  send(event: StripeEvent): void {
    if (!this.url || this.closed) return;
    const task = this.attempt(event, 0).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  /** Resolves when every delivery started so far has succeeded or given up (retries included). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  close(): void {
    this.closed = true;
    for (const [timer, wake] of this.waits) {
      clearTimeout(timer);
      wake();
    }
    this.waits.clear();
  }

  private async attempt(event: StripeEvent, attempt: number): Promise<void> {
    const payload = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: this.secret });
    const record: Delivery = { eventId: event.id, type: event.type, attempt: attempt + 1, status: null };
    try {
      const res = await fetch(this.url as string, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signature,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      record.status = res.status;
    } catch (err) {
      record.error = (err as Error).message;
    }
    this.deliveries.push(record);
    this.log(`webhook ${event.type} ${event.id} → ${record.status ?? record.error} (attempt ${record.attempt})`);
    if ((record.status !== null && record.status < 300) || this.closed) return;
    const delay = RETRY_DELAYS_MS[attempt];
    if (delay === undefined) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.waits.delete(timer);
        resolve();
      }, delay);
      this.waits.set(timer, resolve);
    });
    if (!this.closed) await this.attempt(event, attempt + 1);
  }
}
