CREATE TYPE "public"."cleanup_action" AS ENUM('keep', 'remove');--> statement-breakpoint
CREATE TYPE "public"."cleanup_outcome" AS ENUM('running', 'ok', 'partial', 'failed');--> statement-breakpoint
CREATE TYPE "public"."cleanup_trigger" AS ENUM('schedule', 'manual');--> statement-breakpoint
CREATE TYPE "public"."cleanup_decision_result" AS ENUM('kept', 'removed', 'failed', 'dry_run');--> statement-breakpoint
CREATE TYPE "public"."session_status" AS ENUM('active', 'detached', 'dead');--> statement-breakpoint
CREATE TYPE "public"."workspace_driver" AS ENUM('quadlet', 'libpod');--> statement-breakpoint
CREATE TABLE "cleanup_decisions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cleanup_decisions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"run_id" integer NOT NULL,
	"container_name" text NOT NULL,
	"user_id" integer,
	"action" "cleanup_action" NOT NULL,
	"reason" text NOT NULL,
	"result" "cleanup_decision_result" NOT NULL,
	"error" text,
	"decided_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cleanup_runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cleanup_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"trigger" "cleanup_trigger" NOT NULL,
	"dry_run" boolean NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"outcome" "cleanup_outcome" DEFAULT 'running' NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" integer NOT NULL,
	"name" text NOT NULL,
	"status" "session_status" NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_activity_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" text
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"username" text NOT NULL,
	"password_hash" text,
	"is_admin" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"disabled_at" timestamp with time zone,
	CONSTRAINT "users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "workspaces" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"container_name" text NOT NULL,
	"volume_name" text NOT NULL,
	"driver" "workspace_driver" NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"stopped_at" timestamp with time zone,
	"removed_at" timestamp with time zone,
	CONSTRAINT "workspaces_container_name_unique" UNIQUE("container_name"),
	CONSTRAINT "workspaces_volume_name_unique" UNIQUE("volume_name")
);
--> statement-breakpoint
ALTER TABLE "cleanup_decisions" ADD CONSTRAINT "cleanup_decisions_run_id_cleanup_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."cleanup_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cleanup_decisions_run_idx" ON "cleanup_decisions" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "sessions_user_status_idx" ON "sessions" USING btree ("user_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "sessions_live_name_idx" ON "sessions" USING btree ("user_id","name") WHERE "sessions"."status" <> 'dead';