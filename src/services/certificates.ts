import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import type { components } from '../generated/api';
import { enqueueJob } from '../jobs/outbox';
import { type PageSlice, pageRequest, pageSlice } from '../pagination';
import { certificateView } from '../presenters/certificates';
import {
  type CertificateRow,
  findCertificate,
  findCertificateByCode,
  findCertificateByEnrollment,
  findOwnedCertificate,
  insertCertificate,
  listOwnedCertificates,
  setCertificatePdfPath,
} from '../repositories/certificates';
import { findCertificateCourse } from '../repositories/courses';
import type { EnrollmentRow } from '../repositories/enrollments';
import { findUserName } from '../repositories/users';
import type { FileStorage } from '../storage/files';

type Certificate = components['schemas']['Certificate'];

// 32 symbols with neither 0/O nor 1/I look-alikes; 32 divides 256, so `byte & 31` picks each one uniformly.
const SYMBOLS = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** LF-XXXX-XXXX-XXXX: 60 random bits, so codes cannot be guessed or enumerated. */
export function newVerificationCode(): string {
  const chars = Array.from(crypto.randomBytes(12), (b) => SYMBOLS[b & 31] as string).join('');
  return `LF-${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

/**
 * Issues the certificate of a just-completed enrollment inside the completing transaction, with the names as
 * they are now, and queues its PDF. One per enrollment (unique constraint): a second call returns the first.
 * Courses without a certificate get none.
 */
export async function issueCertificate(trx: Knex.Transaction, enrollment: EnrollmentRow, at: Date): Promise<CertificateRow | undefined> {
  const course = await findCertificateCourse(trx, enrollment.course_id);
  if (!course?.certificate_included) return undefined;
  const learner = (await findUserName(trx, enrollment.user_id)) as { first_name: string; last_name: string };
  for (let attempt = 0; attempt < 5; attempt++) {
    const inserted = await insertCertificate(trx, {
      enrollment_id: enrollment.id,
      user_id: enrollment.user_id,
      course_id: enrollment.course_id,
      verification_code: newVerificationCode(),
      learner_name: `${learner.first_name} ${learner.last_name}`.trim(),
      course_title: course.title,
      instructor_name: course.instructor_name,
      issued_at: at,
    });
    if (inserted) {
      await enqueueJob(trx, 'render-certificate', { certificateId: inserted.id });
      return inserted;
    }
    const existing = await findCertificateByEnrollment(trx, enrollment.id);
    if (existing) return existing;
    // Otherwise the random code collided with another certificate's: draw again.
  }
  throw new Error('Could not draw an unused verification code');
}

export async function listCertificates(
  deps: Deps,
  userId: string,
  query: { page?: number; page_size?: number },
): Promise<PageSlice<Certificate>> {
  const req = pageRequest(query);
  const { rows, count } = await listOwnedCertificates(deps.db, userId, { limit: req.pageSize, offset: req.offset });
  const results = rows.map((row) => certificateView(row, deps.config.publicBaseUrl));
  return pageSlice(results, count, req);
}

export async function getCertificate(deps: Deps, userId: string, id: string): Promise<CertificateRow> {
  const row = await findOwnedCertificate(deps.db, userId, id);
  if (!row) throw new AppError('CERTIFICATE_NOT_FOUND');
  return row;
}

/** Seconds a client should wait before asking again for a PDF that is being rendered. */
export const RENDER_RETRY_AFTER_SECONDS = 5;

/** The caller's certificate PDF; 409 CERTIFICATE_NOT_READY until the worker has stored it. */
export async function certificatePdf(deps: Deps, userId: string, id: string): Promise<{ bytes: Buffer; filename: string }> {
  const row = await getCertificate(deps, userId, id);
  const bytes = row.pdf_path ? await deps.storage.read(row.pdf_path) : undefined;
  if (!bytes) {
    throw new AppError('CERTIFICATE_NOT_READY', undefined, undefined, RENDER_RETRY_AFTER_SECONDS);
  }
  return { bytes, filename: `learnflow-certificate-${row.verification_code}.pdf` };
}

/** Public check of a code: only what the certificate itself shows. */
export async function verifyCertificate(deps: Deps, code: string): Promise<CertificateRow> {
  const row = await findCertificateByCode(deps.db, code);
  if (!row) throw new AppError('CERTIFICATE_NOT_FOUND');
  return row;
}

/**
 * Renders and stores the PDF once. A rerun after success changes nothing; a rerun after a crash between the
 * write and the update rewrites the same file under the same key (the renderer is deterministic).
 */
export async function renderCertificate(
  db: Knex,
  storage: FileStorage,
  publicBaseUrl: string,
  certificateId: string,
): Promise<'missing' | 'already-rendered' | 'rendered'> {
  const cert = await findCertificate(db, certificateId);
  if (!cert) return 'missing';
  if (cert.pdf_path && (await storage.read(cert.pdf_path))) return 'already-rendered';
  // Imported on first use: pdfkit and the fonts stay out of the API process, which never renders.
  const { renderCertificatePdf } = await import('../pdf/certificate');
  const pdf = await renderCertificatePdf({
    learnerName: cert.learner_name,
    courseTitle: cert.course_title,
    instructorName: cert.instructor_name,
    issuedAt: cert.issued_at,
    verificationCode: cert.verification_code,
    verifyUrl: `${publicBaseUrl}/certificates/verify/${cert.verification_code}/`,
  });
  const key = cert.pdf_path ?? `certificates/${cert.id}.pdf`;
  await storage.write(key, pdf);
  await setCertificatePdfPath(db, cert.id, key);
  return 'rendered';
}
