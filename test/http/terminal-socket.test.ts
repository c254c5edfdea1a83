import { workspaceNames } from '../../src/naming/workspace-names.js';
import { realPodman, testWorkspaces } from '../support/podman.js';
import { terminalSocketSuite } from './terminal-socket.suite.js';

const podman = await realPodman();

if (podman) {
  const workspaces = testWorkspaces(podman);
  terminalSocketSuite({
    name: 'real workspaces',
    workspaces: 'podman',
    // The shell computes, and tput sees the size the browser asked for.
    shellAnswers: ['R=42', 'C=100'],
    async removeWorkspace(userId) {
      await workspaces.remove(userId).catch(() => {});
      await podman.volumes.remove(workspaceNames(userId).volume, { force: true }).catch(() => {});
    },
  });
}
