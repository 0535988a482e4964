/** An annotation as the API and browsers see it (times epoch ms, UTC). Shared by server and client. */
export interface Annotation {
  id: string;
  /** null: plant-wide (shown on every asset's charts). */
  assetId: string | null;
  start: number;
  /** null: a point in time. */
  end: number | null;
  note: string;
  /** null once the author's account is gone. */
  authorId: string | null;
  authorUsername: string;
  createdAt: number;
  updatedAt: number;
}
