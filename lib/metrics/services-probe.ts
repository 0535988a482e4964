import { getServices, type Services } from '../services';

/** The running services, or null when none are started (a scrape must never throw for that). */
export function getServicesOrNull(): Services | null {
  try {
    return getServices();
  } catch {
    return null;
  }
}
