DROP TABLE "workspaces" CASCADE;--> statement-breakpoint
DROP TYPE "public"."workspace_driver";