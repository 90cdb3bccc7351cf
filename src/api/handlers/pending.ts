import { AppError } from '../../errors';
import type { Handler } from '../types';

/**
 * Operations of the contract that are not built yet. Each answers 501 NOT_IMPLEMENTED in the envelope;
 * contract-tests/pending.ts lists the same operations for Dredd. Each issue that builds one removes it here.
 */
const notImplemented: Handler = () => {
  throw new AppError('NOT_IMPLEMENTED', 'This operation is not implemented yet.');
};

export const listCategories = notImplemented;
export const listCourses = notImplemented;
export const createCourse = notImplemented;
export const getCourse = notImplemented;
export const updateCourse = notImplemented;
export const publishCourse = notImplemented;
export const unpublishCourse = notImplemented;
export const createSection = notImplemented;
export const updateSection = notImplemented;
export const deleteSection = notImplemented;
export const createLesson = notImplemented;
export const updateLesson = notImplemented;
export const deleteLesson = notImplemented;
export const listMyTaughtCourses = notImplemented;
export const listCourseReviews = notImplemented;
export const createCourseReview = notImplemented;
export const updateReview = notImplemented;
export const deleteReview = notImplemented;
export const markReviewHelpful = notImplemented;
export const unmarkReviewHelpful = notImplemented;
export const getCart = notImplemented;
export const clearCart = notImplemented;
export const addCartItem = notImplemented;
export const removeCartItem = notImplemented;
export const listWishlist = notImplemented;
export const addWishlistItem = notImplemented;
export const removeWishlistItem = notImplemented;
export const moveWishlistItemToCart = notImplemented;
export const createOrderFromCart = notImplemented;
export const listOrders = notImplemented;
export const getOrder = notImplemented;
export const downloadOrderReceipt = notImplemented;
export const requestOrderRefund = notImplemented;
export const createPaymentIntent = notImplemented;
export const confirmPayment = notImplemented;
export const handleStripeWebhook = notImplemented;
export const enrollInCourse = notImplemented;
export const listEnrollments = notImplemented;
export const getEnrollment = notImplemented;
export const markLessonComplete = notImplemented;
export const updateLessonProgress = notImplemented;
export const listCertificates = notImplemented;
export const getCertificate = notImplemented;
export const downloadCertificate = notImplemented;
export const verifyCertificate = notImplemented;
export const getDashboardStats = notImplemented;
export const getContinueLearning = notImplemented;
export const getRecommendations = notImplemented;
export const getLearningGoals = notImplemented;
export const updateLearningGoals = notImplemented;
