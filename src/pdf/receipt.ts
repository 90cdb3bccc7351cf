import { centsToAmount } from '../money';
import { startPdf } from './document';
import type { Weight } from './fonts';
import { writeText } from './textRuns';

export interface ReceiptContent {
  orderNumber: string;
  paidAt: Date;
  currency: string;
  billedTo: { name: string; email: string; lines: string[] };
  /** A line with a coupon prints the coupon's code and discount under it. */
  items: Array<{ title: string; priceCents: number; discountCents?: number; couponCode?: string | null }>;
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
  paymentReference: string | null;
}

const INK = '#1f2937';
const ACCENT = '#4f46e5';
const MUTED = '#6b7280';
const MARGIN = 56;

const money = (cents: number, currency: string): string => `${centsToAmount(cents).toFixed(2)} ${currency.toUpperCase()}`;

/**
 * Renders an order's one-page A4 receipt. The billing name, email, address and course titles go through
 * textRuns.ts, so they print as written in any script the font chain covers (fonts.ts); fixed texts are set
 * in DejaVu Sans. The creation date is the payment date, so rendering twice gives the same document.
 */
export function renderReceiptPdf(content: ReceiptContent): Promise<Buffer> {
  const { doc, bytes } = startPdf({
    size: 'A4',
    margin: MARGIN,
    info: { Title: `Receipt ${content.orderNumber}`, Author: 'LearnFlow', CreationDate: content.paidAt },
  });

  const width = doc.page.width - 2 * MARGIN;
  const priceWidth = 140;
  doc.font('bold').fontSize(22).fillColor(ACCENT).text('LearnFlow', MARGIN, MARGIN);
  doc.font('bold').fontSize(16).fillColor(INK).text('Receipt', { continued: false });
  doc.moveDown(0.5);
  doc.font('regular').fontSize(10).fillColor(MUTED);
  doc.text(`Order number: ${content.orderNumber}`);
  doc.text(
    `Paid on: ${new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', dateStyle: 'long', timeStyle: 'short' }).format(content.paidAt)} UTC`,
  );
  if (content.paymentReference) doc.text(`Payment reference: ${content.paymentReference}`);

  doc.moveDown(1.2);
  doc.font('bold').fontSize(11).fillColor(INK).text('Billed to');
  for (const line of [content.billedTo.name, content.billedTo.email, ...content.billedTo.lines]) {
    writeText(doc, line, { x: MARGIN, y: doc.y, width, weight: 'regular', size: 10, color: INK });
  }

  doc.moveDown(1.2);
  const row = (label: string, amount: string, weight: Weight): void => {
    const y = doc.y;
    writeText(doc, label, { x: MARGIN, y, width: width - priceWidth - 10, weight, size: 10, color: INK });
    const after = doc.y;
    writeText(doc, amount, { x: MARGIN + width - priceWidth, y, width: priceWidth, align: 'right', weight, size: 10, color: INK });
    doc.y = Math.max(after, doc.y) + 4;
  };
  const rule = (): void => {
    doc
      .moveTo(MARGIN, doc.y)
      .lineTo(MARGIN + width, doc.y)
      .lineWidth(0.5)
      .strokeColor(MUTED)
      .stroke();
    doc.y += 6;
  };
  row('Course', 'Price', 'bold');
  rule();
  for (const item of content.items) {
    row(item.title, money(item.priceCents, content.currency), 'regular');
    if (item.discountCents)
      row(`   Coupon ${item.couponCode ?? ''}`.trimEnd(), `-${money(item.discountCents, content.currency)}`, 'regular');
  }
  rule();
  row('Subtotal', money(content.subtotalCents, content.currency), 'regular');
  row('Discount', money(content.discountCents, content.currency), 'regular');
  row('Total paid', money(content.totalCents, content.currency), 'bold');

  doc.moveDown(2);
  doc.font('regular').fontSize(9).fillColor(MUTED);
  doc.text(
    'Thank you for learning with LearnFlow. ' +
      'Orders can be refunded within 30 days of purchase while less than 30% of each course has been consumed.',
    MARGIN,
    doc.y,
    { width },
  );

  doc.end();
  return bytes;
}
