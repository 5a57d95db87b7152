-- Single sign-on links a user to the IdP's subject (`<issuer> <sub>`) at the first sign-in; later
-- sign-ins find the user by it, so a second IdP identity that claims the same email cannot take the
-- account over. Empty for users who never signed in with single sign-on.
ALTER TABLE users ADD COLUMN IF NOT EXISTS idp_subject String DEFAULT '' AFTER password_hash;
