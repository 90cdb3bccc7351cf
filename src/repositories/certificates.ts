import type { Knex } from 'knex';
import type { Db } from '../db/knex';

export interface CertificateRow {
  id: string;
  enrollment_id: string;
  user_id: string;
  course_id: string;
  verification_code: string;
  learner_name: string;
  course_title: string;
  instructor_name: string;
  issued_at: Date;
  pdf_path: string | null;
  created_at: Date;
}

export type NewCertificate = Omit<CertificateRow, 'id' | 'pdf_path' | 'created_at'>;

/**
 * Inserts unless a certificate already exists for the enrollment or the code is taken (both unique);
 * returns the new row, or undefined when nothing was inserted.
 */
export async function insertCertificate(trx: Knex.Transaction, cert: NewCertificate): Promise<CertificateRow | undefined> {
  const rows = (await trx('certificates').insert(cert).onConflict().ignore().returning('*')) as CertificateRow[];
  return rows[0];
}

export function findCertificateByEnrollment(db: Db, enrollmentId: string): Promise<CertificateRow | undefined> {
  return db<CertificateRow>('certificates').where({ enrollment_id: enrollmentId }).first();
}

export function findCertificate(db: Db, id: string): Promise<CertificateRow | undefined> {
  return db<CertificateRow>('certificates').where({ id }).first();
}

export function findOwnedCertificate(db: Db, userId: string, id: string): Promise<CertificateRow | undefined> {
  return db<CertificateRow>('certificates').where({ id, user_id: userId }).first();
}

export function findCertificateByCode(db: Db, code: string): Promise<CertificateRow | undefined> {
  return db<CertificateRow>('certificates').where({ verification_code: code }).first();
}

export async function listOwnedCertificates(
  db: Db,
  userId: string,
  page: { limit: number; offset: number },
): Promise<{ rows: CertificateRow[]; count: number }> {
  const [rows, counted] = await Promise.all([
    db<CertificateRow>('certificates')
      .where({ user_id: userId })
      .orderBy([{ column: 'issued_at', order: 'desc' }, { column: 'id' }])
      .limit(page.limit)
      .offset(page.offset),
    db('certificates').where({ user_id: userId }).count<{ n: number }[]>({ n: '*' }),
  ]);
  return { rows, count: Number(counted[0]?.n ?? 0) };
}

/** Records the rendered file once; a rerun that finds it set changes nothing. */
export async function setCertificatePdfPath(db: Db, id: string, pdfPath: string): Promise<boolean> {
  return (await db('certificates').where({ id }).whereNull('pdf_path').update({ pdf_path: pdfPath })) > 0;
}
