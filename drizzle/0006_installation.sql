-- The installation's id, made once by the first start on this database (or the first after
-- the upgrade that brought it): every workspace the installation makes is labelled with it.
INSERT INTO "server_state" ("key", "value")
VALUES ('installation.id', substr(replace(gen_random_uuid()::text, '-', ''), 1, 12))
ON CONFLICT ("key") DO NOTHING;
