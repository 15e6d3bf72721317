-- Accounts created before e-mail verification existed keep working: they were admitted under the
-- old rules (and the demo accounts of an existing local state stay verified). New accounts start
-- unverified (users.email_verified defaults to 0).
UPDATE `users` SET `email_verified` = 1;
