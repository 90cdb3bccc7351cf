import type { Schemas } from '../schemas';
import { type CurriculumLessonRow, type EnrollmentViewRow, progressPercent } from '../repositories/enrollments';
import { certificateUrl } from './certificates';
import { durationHours } from './courses';

/** Recorded learning seconds as hours with one decimal (half up), like course durations (durationHours). */
export function learnedHours(seconds: number): number {
  return Math.round(seconds / 360) / 10;
}

function currentLesson(row: EnrollmentViewRow): Schemas['EnrollmentCurrentLesson'] {
  return row.current_id ? { id: row.current_id, title: row.current_title as string, order: row.current_order as number } : null;
}

/** The fields the list and the detail share; counts are the live ones from lesson_progress. */
function enrollmentState(row: EnrollmentViewRow, baseUrl: string) {
  const counts = { total: row.live_total_lessons, completed: row.live_lessons_completed };
  return {
    status: row.status,
    progress_percent: progressPercent(counts),
    lessons_completed: counts.completed,
    total_lessons: counts.total,
    enrolled_at: row.enrolled_at.toISOString(),
    completed_at: row.completed_at ? row.completed_at.toISOString() : null,
    last_accessed_at: row.last_accessed_at ? row.last_accessed_at.toISOString() : null,
    is_completed: row.completed_at !== null,
    certificate_url: row.certificate_id && row.certificate_ready ? certificateUrl(baseUrl, row.certificate_id) : null,
    current_lesson: currentLesson(row),
  };
}

export function enrollmentListItem(row: EnrollmentViewRow, baseUrl: string): Schemas['EnrollmentListItem'] {
  return {
    id: row.id,
    course: {
      id: row.course_id,
      title: row.course_title,
      thumbnail: row.course_thumbnail,
      duration_hours: durationHours(row.course_duration_minutes),
      level: row.course_level,
    },
    ...enrollmentState(row, baseUrl),
  };
}

/** A refunded enrollment keeps its progress but loses the videos: every video_url is null. */
export function enrollmentDetail(row: EnrollmentViewRow, lessons: CurriculumLessonRow[], baseUrl: string): Schemas['EnrollmentDetail'] {
  const sections: Schemas['EnrollmentSection'][] = [];
  for (const lesson of lessons) {
    let section = sections[sections.length - 1];
    if (!section || section.id !== lesson.section_id) {
      section = { id: lesson.section_id, title: lesson.section_title, order: lesson.section_order, lessons: [] };
      sections.push(section);
    }
    section.lessons.push({
      id: lesson.id,
      title: lesson.title,
      duration_minutes: lesson.duration_minutes,
      order: lesson.order,
      is_preview: lesson.is_preview,
      video_url: row.status === 'refunded' ? null : lesson.video_url,
      completed: lesson.completed_at !== null,
      watch_time_seconds: lesson.watch_time_seconds ?? 0,
      position_seconds: lesson.position_seconds ?? 0,
    });
  }
  return {
    id: row.id,
    course: {
      id: row.course_id,
      title: row.course_title,
      instructor: { id: row.instructor_id, first_name: row.instructor_first_name, last_name: row.instructor_last_name },
      curriculum: sections,
    },
    ...enrollmentState(row, baseUrl),
  };
}
