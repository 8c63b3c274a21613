CREATE INDEX "households_phone_trgm" ON "households" USING gin ("phone" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "households_head_name_chars" ON "households" USING gin (regexp_split_to_array("head_name", ''));--> statement-breakpoint
CREATE INDEX "people_phone_trgm" ON "people" USING gin ("phone" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "people_name_chars" ON "people" USING gin (regexp_split_to_array("name", ''));--> statement-breakpoint
CREATE INDEX "people_union_idx" ON "people" USING btree ("union_id","id");--> statement-breakpoint
CREATE INDEX "people_union_name_idx" ON "people" USING btree ("union_id","name","id");--> statement-breakpoint
CREATE INDEX "plots_code_trgm" ON "plots" USING gin ("code" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "plots_location_trgm" ON "plots" USING gin ("location" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "plots_name_chars" ON "plots" USING gin (regexp_split_to_array("name", ''));--> statement-breakpoint
CREATE INDEX "plots_location_chars" ON "plots" USING gin (regexp_split_to_array("location", ''));--> statement-breakpoint
CREATE INDEX "plots_union_idx" ON "plots" USING btree ("union_id","id");