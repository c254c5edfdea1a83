import type { AuthService } from '../auth/auth-service.js';
import type { TrustedProxy } from '../auth/trusted-proxy.js';
import type { Clock } from '../clock/clock.js';
import type { SessionsRepository } from '../db/sessions-repository.js';
import type { Logger } from '../log/logger.js';
import type { Counters } from '../metrics/counters.js';
import type { NoticeBoard } from '../terminals/notices.js';
import type { RuntimeWatch } from '../terminals/runtime-watch.js';
import type { SessionsService } from '../terminals/sessions-service.js';
import type { WorkspaceDriver } from '../workspaces/driver.js';
import type { WorkspaceUsage } from '../workspaces/usage.js';

export interface TerminalSocketDeps {
  auth: AuthService;
  proxy?: TrustedProxy;
  sessionsService: SessionsService;
  sessions: SessionsRepository;
  workspaces: WorkspaceDriver;
  clock: Clock;
  /**
   * Paces terminal output (messages at most every few milliseconds while it streams): real
   * time, even where `clock` is a test's, which a stopped fake would hold output back on.
   */
  pacing: Clock;
  log: Logger;
  publicOrigin: string;
  /** Starts and attaches count as uses: cleanup leaves the workspace alone meanwhile. */
  usage: WorkspaceUsage;
  /** Removal notices of the users' workspaces, passed on to their terminals. */
  notices: NoticeBoard;
  /** Whether the runtime answers, told to attached terminals when it stops and starts. */
  runtime?: RuntimeWatch;
  /**
   * Before a start: recreates an outdated workspace on the current image when that cuts
   * nothing off (see workspaces/upgrade.ts); resolves whether it did.
   */
  upgradeOnVisit?: (userId: string) => Promise<boolean>;
  /** Input and output are recorded as activity at most this often per terminal. */
  activityEveryMs?: number;
  /** How often an attached terminal is recorded as activity (HEARTBEAT_MS). */
  heartbeatMs?: number;
  /** How often an open terminal's login is checked again. */
  recheckMs?: number;
  /** How often open terminals are pinged (TERMINAL_KEEPALIVE_SECONDS). */
  keepaliveMs: number;
  /** Lines of history each attach restores (TERMINAL_SCROLLBACK_LINES), told to the page. */
  scrollbackLines: number;
  /** Frames from this size on are compressed when the browser offers it; absent: never. */
  deflateThreshold?: number;
  /** Where failed attaches and resizes and flow-control pauses are counted. */
  counters?: Counters;
}
