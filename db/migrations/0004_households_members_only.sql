-- Only members contribute capital and have a join date. Rows written before this rule may
-- break it (the demo seed gave non-member households both): clear them first, bumping the
-- version so a client holding the old row gets 409 instead of writing it back.
UPDATE "households" SET "capital_contributed" = 0, "joined_on" = NULL, "version" = "version" + 1, "updated_at" = now()
  WHERE NOT "is_member" AND ("capital_contributed" <> 0 OR "joined_on" IS NOT NULL);--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_capital_members_only" CHECK ("households"."is_member" OR "households"."capital_contributed" = 0);--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_joined_on_members_only" CHECK ("households"."is_member" OR "households"."joined_on" IS NULL);