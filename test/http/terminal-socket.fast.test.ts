import { terminalSocketSuite } from './terminal-socket.suite.js';

terminalSocketSuite({
  name: 'in-memory workspaces',
  workspaces: 'memory',
  // The in-memory terminal echoes what is typed: the input went through whole.
  shellAnswers: ['echo "R=$((6*7))"; echo "C=$(tput cols)"'],
});
