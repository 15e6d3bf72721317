import { ApiError } from "./errors.ts";

/** The recruiter's company id; an account not attached to one may do nothing company-side. */
export const ownCompany = (companyId: string | null): string => {
  if (!companyId) throw new ApiError("forbidden", "This account is not attached to a company.");
  return companyId;
};
