import type { Schemas } from '../schemas';
import type { CertificateRow } from '../repositories/certificates';

/** The certificate's resource URL, as the enrollment's certificate_url shows it. */
export function certificateUrl(baseUrl: string, certificateId: string): string {
  return `${baseUrl}/certificates/${certificateId}/`;
}

export function certificateView(row: CertificateRow, baseUrl: string): Schemas['Certificate'] {
  return {
    id: row.id,
    verification_code: row.verification_code,
    course: { id: row.course_id, title: row.course_title },
    learner_name: row.learner_name,
    instructor_name: row.instructor_name,
    issued_at: row.issued_at.toISOString(),
    download_url: `${baseUrl}/certificates/${row.id}/download/`,
  };
}

/** What anyone holding the code may see: exactly what is printed on the certificate. */
export function certificateVerification(row: CertificateRow): Schemas['CertificateVerification'] {
  return {
    valid: true,
    verification_code: row.verification_code,
    learner_name: row.learner_name,
    course_title: row.course_title,
    instructor_name: row.instructor_name,
    issued_at: row.issued_at.toISOString(),
  };
}
