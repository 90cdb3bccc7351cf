import type { Schemas } from '../schemas';
import type { UserRow } from '../repositories/users';
import type { ProfileFigures } from '../services/learnerStats';

export function userSummary(user: UserRow): Schemas['AuthUser'] {
  return { id: user.id, email: user.email, first_name: user.first_name, last_name: user.last_name, is_instructor: user.is_instructor };
}

/** The `GET /auth/me/` body: the user, their profile and the figures the stats worker keeps. */
export function currentUserView(user: UserRow, { stats, streak }: ProfileFigures): Schemas['AuthCurrentUser'] {
  return {
    ...userSummary(user),
    profile: {
      bio: user.bio,
      profile_picture: user.profile_picture,
      phone: user.phone,
      country: user.country,
      timezone: user.timezone,
      total_hours_learned: Math.round(((stats?.total_seconds_learned ?? 0) / 3600) * 10) / 10,
      courses_completed: stats?.courses_completed ?? 0,
      certificates_earned: stats?.certificates_earned ?? 0,
      current_streak_days: streak,
      last_activity: stats?.last_activity ? stats.last_activity.toISOString() : null,
    },
  };
}
