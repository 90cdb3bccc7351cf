import { certificateVerification, certificateView } from '../../presenters/certificates';
import * as certificates from '../../services/certificates';
import { pageBody } from '../pages';
import { requireUser } from '../security';
import { type Handler, params, query, type ResponseBody } from '../types';

export const listCertificates: Handler = async (c, _req, res, deps) => {
  const slice = await certificates.listCertificates(deps, requireUser(c).id, query<'listCertificates'>(c));
  res.status(200).json(pageBody(c, deps, slice) satisfies ResponseBody<'listCertificates', 200>);
};

export const getCertificate: Handler = async (c, _req, res, deps) => {
  const row = await certificates.getCertificate(deps, requireUser(c).id, params<'getCertificate'>(c).certificate_id);
  res.status(200).json(certificateView(row, deps.config.publicBaseUrl) satisfies ResponseBody<'getCertificate', 200>);
};

export const downloadCertificate: Handler = async (c, _req, res, deps) => {
  const pdf = await certificates.certificatePdf(deps, requireUser(c).id, params<'downloadCertificate'>(c).certificate_id);
  // The name holds only [A-Za-z0-9.-], so quoting it is all the header needs (as the contract shows it).
  res.status(200).type('application/pdf').setHeader('Content-Disposition', `attachment; filename="${pdf.filename}"`);
  res.send(pdf.bytes);
};

export const verifyCertificate: Handler = async (c, _req, res, deps) => {
  const row = await certificates.verifyCertificate(deps, params<'verifyCertificate'>(c).verification_code);
  res.status(200).json(certificateVerification(row) satisfies ResponseBody<'verifyCertificate', 200>);
};
