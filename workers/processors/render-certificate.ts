import { renderCertificate } from '../../src/services/certificates';
import type { Processor } from '../processor';

/** Renders a certificate's PDF once (a rerun finds it stored and changes nothing). */
export const renderCertificateProcessor: Processor<'render-certificate'> = async (job, deps) => {
  const { certificateId } = job.data;
  const outcome = await renderCertificate(deps.db, deps.storage, deps.config.publicBaseUrl, certificateId);
  switch (outcome) {
    case 'missing':
      return `Certificate ${certificateId} does not exist (any more): nothing to render.`;
    case 'already-rendered':
      return `Certificate ${certificateId} was already rendered: nothing changed.`;
    default:
      return `Rendered the PDF of certificate ${certificateId}.`;
  }
};
