import { renderReceipt } from '../../src/services/receipts';
import type { Processor } from '../processor';

/** Renders an order's PDF receipt once (a rerun finds it stored and changes nothing). */
export const renderReceiptProcessor: Processor<'render-receipt'> = async (job, deps) => {
  const { orderId } = job.data;
  const { outcome, orderNumber } = await renderReceipt(deps.db, deps.storage, orderId);
  switch (outcome) {
    case 'missing':
      return `Order ${orderId} does not exist: no receipt to render.`;
    case 'unpaid':
      return `Order ${orderNumber} was never paid: it has no receipt.`;
    case 'already-rendered':
      return `The receipt of order ${orderNumber} was already rendered: nothing changed.`;
    default:
      return `Rendered the PDF receipt of order ${orderNumber}.`;
  }
};
