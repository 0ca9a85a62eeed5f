-- One-time passwords (issue 21): a password the hub generated (at user creation or an admin's reset)
-- signs in once, until one_time_expires_at, and only to choose a new password. NULL: a password
-- the user chose. one_time_used_at: when it was spent (a second use is refused).
ALTER TABLE users ADD COLUMN one_time_expires_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE users ADD COLUMN one_time_used_at TIMESTAMP WITH TIME ZONE;

-- A session opened with a one-time password may only change the password ('password_change');
-- every other session is 'full'.
ALTER TABLE user_sessions ADD COLUMN purpose VARCHAR(32) NOT NULL DEFAULT 'full';
