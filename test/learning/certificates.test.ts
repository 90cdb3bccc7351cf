import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderCertificate } from '../../src/services/certificates';
import { eventually } from '../support/harness';
import { insertCourse } from '../support/factories/catalog';
import { enrolledLearner, type LearnerFixture, learningTestServer } from '../support/factories/learning';
import { registerLearner } from '../support/users';

const t = learningTestServer({ workers: true });

const complete = (token: string, enrollmentId: string, lessonId: string) =>
  t.api.post(`/enrollments/${enrollmentId}/mark-lesson-complete/`, { lesson_id: lessonId }, { token });

/** Completes every lesson but the last, then fires 20 concurrent completions of the last one. */
async function finishCourse(f: LearnerFixture): Promise<void> {
  for (const id of f.course.lessonIds.slice(0, -1)) await complete(f.user.access, f.enrollmentId, id);
  const last = f.course.lessonIds[f.course.lessonIds.length - 1] as string;
  const results = await Promise.all(Array.from({ length: 20 }, () => complete(f.user.access, f.enrollmentId, last)));
  assert.deepEqual(new Set(results.map((r) => r.status)), new Set([200]));
  assert.ok(results.every((r) => r.body.course_completed === true && r.body.enrollment_progress === 100));
}

async function readyCertificateUrl(f: LearnerFixture): Promise<string> {
  return eventually(
    async () => (await t.api.get(`/enrollments/${f.enrollmentId}/`, { token: f.user.access })).body.certificate_url as string | null,
    15_000,
    'the certificate to be rendered',
  );
}

describe('certificates', () => {
  it('issues exactly one certificate when the last lesson is completed, downloadable and verifiable', async () => {
    const f = await enrolledLearner(t, { first_name: 'Ἀλέξανδρος', last_name: 'Петров', course: { title: 'Complete Web Development' } });
    await finishCourse(f);
    const rows = await t.db('certificates').where({ enrollment_id: f.enrollmentId });
    assert.equal(rows.length, 1);
    const cert = rows[0];
    assert.match(cert.verification_code, /^LF-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    assert.equal(cert.learner_name, 'Ἀλέξανδρος Петров');

    const url = await readyCertificateUrl(f);
    assert.equal(url, `${t.baseUrl}/api/v1/certificates/${cert.id}/`);
    const enrollment = await t.api.get(`/enrollments/${f.enrollmentId}/`, { token: f.user.access });
    assert.equal(enrollment.body.status, 'completed');
    assert.equal(enrollment.body.is_completed, true);
    assert.equal(enrollment.body.current_lesson, null);

    const list = await t.api.get('/certificates/', { token: f.user.access });
    assert.equal(list.status, 200);
    assert.equal(list.body.count, 1);
    const one = await t.api.get(`/certificates/${cert.id}/`, { token: f.user.access });
    assert.deepEqual(one.body, list.body.results[0]);
    assert.deepEqual(one.body, {
      id: cert.id,
      verification_code: cert.verification_code,
      course: { id: f.course.id, title: 'Complete Web Development' },
      learner_name: 'Ἀλέξανδρος Петров',
      instructor_name: 'Angela Yu',
      issued_at: cert.issued_at.toISOString(),
      download_url: `${t.baseUrl}/api/v1/certificates/${cert.id}/download/`,
    });

    const pdf = await t.api.get(`/certificates/${cert.id}/download/`, { token: f.user.access });
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.equal(pdf.headers.get('content-disposition'), `attachment; filename="learnflow-certificate-${cert.verification_code}.pdf"`);
    assert.equal(pdf.raw.subarray(0, 4).toString('latin1'), '%PDF');
    assert.ok(pdf.raw.includes(Buffer.from('DejaVuSans')), 'the name is set in the embedded DejaVu font');

    const verified = await t.api.get(`/certificates/verify/${cert.verification_code}/`);
    assert.equal(verified.status, 200);
    assert.deepEqual(verified.body, {
      valid: true,
      verification_code: cert.verification_code,
      learner_name: 'Ἀλέξανδρος Петров',
      course_title: 'Complete Web Development',
      instructor_name: 'Angela Yu',
      issued_at: cert.issued_at.toISOString(),
    });

    assert.equal(
      await renderCertificate(t.db, t.deps.storage, t.config.publicBaseUrl, cert.id),
      'already-rendered',
      'a rerun changes nothing',
    );
    assert.equal(
      (await t.db('outbox').where({ job_name: 'render-certificate' }).whereRaw("payload->>'certificateId' = ?", [cert.id])).length,
      1,
    );
  });

  it("hides another learner's certificate behind 404 and unknown codes behind 404", async () => {
    const f = await enrolledLearner(t, { course: { sections: 1, lessonsPerSection: 1 } });
    await finishCourse(f);
    const cert = await t.db('certificates').where({ enrollment_id: f.enrollmentId }).first();
    const stranger = await registerLearner(t.api);
    for (const path of [`/certificates/${cert.id}/`, `/certificates/${cert.id}/download/`, '/certificates/not-a-uuid/'] as const) {
      const res = await t.api.get(path, { token: stranger.access });
      assert.equal(res.status, 404, path);
      assert.equal(res.body.error.code, 'CERTIFICATE_NOT_FOUND');
    }
    assert.equal((await t.api.get('/certificates/', { token: stranger.access })).body.count, 0);
    for (const code of ['LF-2222-2222-2222', 'lf-lower-case', 'X']) {
      const res = await t.api.get(`/certificates/verify/${code}/`);
      assert.equal(res.status, 404, code);
      assert.equal(res.body.error.code, 'CERTIFICATE_NOT_FOUND');
    }
  });

  it('answers 409 CERTIFICATE_NOT_READY with Retry-After until the PDF exists', async () => {
    const f = await enrolledLearner(t);
    // A certificate whose render job has not run: no outbox row, so no worker picks it up.
    const [cert] = await t
      .db('certificates')
      .insert({
        enrollment_id: f.enrollmentId,
        user_id: f.user.id,
        course_id: f.course.id,
        verification_code: 'LF-TEST-NOTR-EADY',
        learner_name: 'Test Learner',
        course_title: 'C',
        instructor_name: 'Angela Yu',
      })
      .returning('*');
    const res = await t.api.get(`/certificates/${cert.id}/download/`, { token: f.user.access });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'CERTIFICATE_NOT_READY');
    assert.equal(res.headers.get('retry-after'), '5');
    assert.equal((await t.api.get(`/enrollments/${f.enrollmentId}/`, { token: f.user.access })).body.certificate_url, null);

    assert.equal(await renderCertificate(t.db, t.deps.storage, t.config.publicBaseUrl, cert.id), 'rendered');
    const ok = await t.api.get(`/certificates/${cert.id}/download/`, { token: f.user.access });
    assert.equal(ok.status, 200);
  });

  it('issues no certificate for a course without one', async () => {
    const course = await insertCourse(t.db, { sections: 1, lessonsPerSection: 1 });
    await t.db('courses').where({ id: course.id }).update({ certificate_included: false });
    const f = await enrolledLearner(t, { existingCourse: course });
    await finishCourse(f);
    assert.equal((await t.db('enrollments').where({ id: f.enrollmentId }).first()).status, 'completed');
    assert.equal((await t.db('certificates').where({ enrollment_id: f.enrollmentId })).length, 0);
  });
});
