// Offer vocabulary shared by the API and the site (no zod here: the site imports it).
export const CONTRACT_TYPES = ["internship", "full-time", "part-time", "student-job", "thesis"] as const;
export type ContractType = (typeof CONTRACT_TYPES)[number];

export const MAX_TAGS = 8;

/** Where a student's CV lives in R2 (FILES): the profile route writes it, the CLI's erase deletes it. */
export const cvKey = (userId: string) => `cv/${userId}.pdf`;

/** CVs: PDF only (checked by its first bytes), at most 5 MB. */
export const CV_MAX_BYTES = 5 * 1024 * 1024;
export const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

export interface CvInfo {
  size: number;
  uploadedAt: string;
}
