import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { closeBrokenStreaks, recomputeLearnerStats } from '../../src/services/learnerStats';
import { addDays, computeStreaks, isStreakAlive } from '../../src/services/streaks';
import { enrolledLearner, insertActivity, type LearnerFixture, learningTestServer } from '../support/factories/learning';

describe('computeStreaks (pure, over local dates)', () => {
  it('counts a run ending today or yesterday as current, and the longest run ever', () => {
    assert.deepEqual(computeStreaks([], '2026-01-10'), { current: 0, longest: 0, lastDate: null });
    assert.deepEqual(computeStreaks(['2026-01-08', '2026-01-09', '2026-01-10'], '2026-01-10'), {
      current: 3,
      longest: 3,
      lastDate: '2026-01-10',
    });
    assert.equal(computeStreaks(['2026-01-08', '2026-01-09'], '2026-01-10').current, 2, 'today is not over yet');
    assert.deepEqual(computeStreaks(['2026-01-07', '2026-01-08'], '2026-01-10'), { current: 0, longest: 2, lastDate: '2026-01-08' });
    assert.deepEqual(computeStreaks(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-05', '2026-01-06'], '2026-01-06'), {
      current: 2,
      longest: 3,
      lastDate: '2026-01-06',
    });
  });

  it('works on calendar dates: DST days, month and year ends, duplicates, any order', () => {
    // 2026-03-08 has 23 hours in New York and 2026-11-01 has 25: still one day each.
    assert.equal(computeStreaks(['2026-03-07', '2026-03-08', '2026-03-09'], '2026-03-09').current, 3);
    assert.equal(computeStreaks(['2026-10-31', '2026-11-01', '2026-11-02'], '2026-11-02').current, 3);
    assert.equal(computeStreaks(['2026-01-01', '2025-12-31', '2025-12-30', '2026-01-01'], '2026-01-01').current, 3);
    assert.equal(computeStreaks(['2024-02-28', '2024-02-29', '2024-03-01'], '2024-03-01').current, 3);
    assert.equal(addDays('2026-03-08', 1), '2026-03-09');
    assert.equal(addDays('2026-01-01', -1), '2025-12-31');
  });

  it('keeps a streak alive through a day after today (a move to a time zone behind)', () => {
    assert.equal(computeStreaks(['2026-01-10', '2026-01-11'], '2026-01-10').current, 2);
    assert.equal(isStreakAlive('2026-01-09', '2026-01-10'), true);
    assert.equal(isStreakAlive('2026-01-08', '2026-01-10'), false);
    assert.equal(isStreakAlive(null, '2026-01-10'), false);
  });
});

describe("streaks through HTTP, on the learner's own midnight", () => {
  const t = learningTestServer();

  /** Sets the clock the server reads (this process) and reports 30 s of watching at that instant. */
  async function learnAt(f: LearnerFixture, iso: string, lessonIndex = 0): Promise<void> {
    mock.timers.setTime(Date.parse(iso));
    const res = await t.api.post(
      `/enrollments/${f.enrollmentId}/lesson-progress/`,
      { lesson_id: f.course.lessonIds[lessonIndex], position_seconds: 30, seconds_watched: 30 },
      { token: t.deps.tokens.signAccess(f.user.id) },
    );
    assert.equal(res.status, 200);
  }

  async function localDates(f: LearnerFixture): Promise<string[]> {
    const rows = await t
      .db('learning_activity')
      .where({ user_id: f.user.id })
      .orderBy('local_date')
      .select(t.db.raw("to_char(local_date, 'YYYY-MM-DD') AS d"));
    return rows.map((r: { d: string }) => r.d);
  }

  /** The stats card at `iso`, after the recompute job's work (run here directly, with the same clock). */
  async function statsAt(
    f: LearnerFixture,
    iso: string,
  ): Promise<{ current_streak_days: number; longest_streak_days: number; this_month_hours: number }> {
    mock.timers.setTime(Date.parse(iso));
    await recomputeLearnerStats(t.db, f.user.id);
    const res = await t.api.get('/dashboard/stats/', { token: t.deps.tokens.signAccess(f.user.id) });
    assert.equal(res.status, 200);
    return res.body;
  }

  it('counts days at midnight in Tokyo and in Los Angeles, each on its own clock', async () => {
    mock.timers.enable({ apis: ['Date'], now: new Date('2026-01-10T00:00:00Z') });
    const tokyo = await enrolledLearner(t, { timezone: 'Asia/Tokyo' });
    const la = await enrolledLearner(t, { timezone: 'America/Los_Angeles' });
    for (const f of [tokyo, la]) {
      await learnAt(f, '2026-01-10T14:30:00Z'); // Tokyo 23:30 Jan 10, Los Angeles 06:30 Jan 10
      await learnAt(f, '2026-01-10T15:30:00Z'); // Tokyo 00:30 Jan 11, Los Angeles 07:30 Jan 10
    }
    assert.deepEqual(await localDates(tokyo), ['2026-01-10', '2026-01-11']);
    assert.deepEqual(await localDates(la), ['2026-01-10']);
    assert.equal((await statsAt(tokyo, '2026-01-10T15:31:00Z')).current_streak_days, 2);
    assert.equal((await statsAt(la, '2026-01-10T15:31:00Z')).current_streak_days, 1);

    // 07:30Z on Jan 12 is 23:30 Jan 11 in Los Angeles: yesterday's learning still counts.
    mock.timers.setTime(Date.parse('2026-01-12T07:30:00Z'));
    await closeBrokenStreaks(t.db);
    assert.equal((await t.db('learner_stats').where({ user_id: la.user.id }).first()).current_streak_days, 1);
    assert.equal((await t.api.get('/dashboard/stats/', { token: t.deps.tokens.signAccess(la.user.id) })).body.current_streak_days, 1);

    // An hour later it is Jan 12 in Los Angeles: the streak is broken there, but not in Tokyo (17:30 Jan 12).
    mock.timers.setTime(Date.parse('2026-01-12T08:30:00Z'));
    assert.equal(
      (await t.api.get('/dashboard/stats/', { token: t.deps.tokens.signAccess(la.user.id) })).body.current_streak_days,
      0,
      'the card never shows a broken streak',
    );
    await closeBrokenStreaks(t.db);
    assert.equal((await t.db('learner_stats').where({ user_id: la.user.id }).first()).current_streak_days, 0);
    assert.equal((await t.db('learner_stats').where({ user_id: tokyo.user.id }).first()).current_streak_days, 2);
    assert.equal((await t.db('learner_stats').where({ user_id: la.user.id }).first()).longest_streak_days, 1, 'the longest run is kept');

    // 15:30Z is 00:30 Jan 13 in Tokyo: now theirs is broken too.
    mock.timers.setTime(Date.parse('2026-01-12T15:30:00Z'));
    await closeBrokenStreaks(t.db);
    assert.equal((await t.db('learner_stats').where({ user_id: tokyo.user.id }).first()).current_streak_days, 0);
    const me = await t.api.get('/auth/me/', { token: t.deps.tokens.signAccess(tokyo.user.id) });
    assert.equal(me.body.profile.current_streak_days, 0);
  });

  it('keeps a streak across the spring and autumn daylight-saving changes in New York', async () => {
    mock.timers.enable({ apis: ['Date'], now: new Date('2026-03-07T12:00:00Z') });
    const ny = await enrolledLearner(t, { timezone: 'America/New_York' });
    await learnAt(ny, '2026-03-08T04:30:00Z'); // 23:30 EST on Mar 7
    await learnAt(ny, '2026-03-09T03:30:00Z'); // 23:30 EDT on Mar 8 (a 23-hour day)
    await learnAt(ny, '2026-03-10T03:30:00Z'); // 23:30 EDT on Mar 9
    assert.deepEqual(await localDates(ny), ['2026-03-07', '2026-03-08', '2026-03-09']);
    const spring = await statsAt(ny, '2026-03-10T03:45:00Z');
    assert.equal(spring.current_streak_days, 3);

    await learnAt(ny, '2026-11-01T03:30:00Z'); // 23:30 EDT on Oct 31
    await learnAt(ny, '2026-11-02T04:30:00Z'); // 23:30 EST on Nov 1 (a 25-hour day)
    const autumn = await statsAt(ny, '2026-11-02T04:45:00Z');
    assert.equal(autumn.current_streak_days, 2);
    assert.equal(autumn.longest_streak_days, 3);
    assert.equal(autumn.this_month_hours, 0, '30 s in November is 0.0 hours');
    const row = await t.db('learner_stats').where({ user_id: ny.user.id }).first();
    assert.equal(row.this_month_seconds, 30, 'only the local November day counts for this month');
  });

  it('keeps a streak when the learner moves to another time zone', async () => {
    mock.timers.enable({ apis: ['Date'], now: new Date('2026-01-20T12:00:00Z') });
    const mover = await enrolledLearner(t, { timezone: 'America/Los_Angeles' });
    await learnAt(mover, '2026-01-21T06:00:00Z'); // 22:00 Jan 20 in Los Angeles
    const moved = await t.api.patch(
      '/auth/me/',
      { profile: { timezone: 'Asia/Tokyo' } },
      { token: t.deps.tokens.signAccess(mover.user.id) },
    );
    assert.equal(moved.status, 200);
    await learnAt(mover, '2026-01-21T11:00:00Z'); // 20:00 Jan 21 in Tokyo
    assert.deepEqual(await localDates(mover), ['2026-01-20', '2026-01-21']);
    assert.equal((await statsAt(mover, '2026-01-21T11:05:00Z')).current_streak_days, 2);
  });

  it('answers one current streak on /auth/me/ and /dashboard/stats/, right after learning and after a missed day', async () => {
    mock.timers.enable({ apis: ['Date'], now: new Date('2026-03-15T12:00:00Z') });
    const f = await enrolledLearner(t, { timezone: 'Europe/Paris' });
    const tenDays = Array.from({ length: 10 }, (_, i) => ({ date: addDays('2026-03-05', i) })); // Mar 5..14
    await insertActivity(t.db, f.user.id, tenDays);
    await recomputeLearnerStats(t.db, f.user.id, new Date('2026-03-14T20:00:00Z')); // stored yesterday: 10

    const both = async (): Promise<[number, number]> => {
      const token = t.deps.tokens.signAccess(f.user.id);
      const me = await t.api.get('/auth/me/', { token });
      const stats = await t.api.get('/dashboard/stats/', { token });
      assert.equal(me.status, 200);
      assert.equal(stats.status, 200);
      return [me.body.profile.current_streak_days, stats.body.current_streak_days];
    };
    assert.deepEqual(await both(), [10, 10], 'learned through yesterday: the streak is alive today');

    // Learning today, before any recompute has run: both count today at once.
    await insertActivity(t.db, f.user.id, [{ date: '2026-03-15' }]);
    assert.deepEqual(await both(), [11, 11]);

    // Mar 16 without learning; on Mar 17 the streak is over on both, whether or not the daily close ran.
    mock.timers.setTime(Date.parse('2026-03-17T09:00:00Z'));
    assert.deepEqual(await both(), [0, 0]);
    await closeBrokenStreaks(t.db);
    assert.deepEqual(await both(), [0, 0]);
    assert.equal((await t.api.get('/dashboard/stats/', { token: t.deps.tokens.signAccess(f.user.id) })).body.longest_streak_days, 10);
  });
});
