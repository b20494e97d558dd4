import type { AgentConfig, HostUser } from '../config/agent-config';

/** Who a command or a terminal runs as, where, and with which environment. */
export interface ExecutionContext {
  user: HostUser;
  /** Set only when switching users (the agent runs as root, `--run-as` names someone else). */
  uid?: number;
  gid?: number;
  cwd: string;
  env: Record<string, string>;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Taken from the agent's own environment: locale and time zone, nothing else. */
const INHERITED = ['LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'];

/**
 * A clean environment for what the agent runs: the agent's own holds its API key
 * (PHAROS_AGENT_KEY), which a command must not be able to print.
 */
export function executionContext(config: Pick<AgentConfig, 'runAs' | 'workdir'>, me: HostUser, agentEnv: Record<string, string | undefined>): ExecutionContext {
  const user = config.runAs ?? me;
  const env: Record<string, string> = { PATH: agentEnv.PATH || DEFAULT_PATH, HOME: user.home, USER: user.name, LOGNAME: user.name, SHELL: user.shell };
  for (const name of INHERITED) if (agentEnv[name]) env[name] = agentEnv[name]!;
  return { user, cwd: config.workdir, env, ...(config.runAs ? { uid: config.runAs.uid, gid: config.runAs.gid } : {}) };
}
