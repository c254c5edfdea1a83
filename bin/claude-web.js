#!/usr/bin/env node
import { main, reportFatal } from '../dist/main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => process.exit(reportFatal(error)),
);
