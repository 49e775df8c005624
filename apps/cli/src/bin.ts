#!/usr/bin/env node
// The `kerasts` command's entry (package.json `bin`): always runs, however it was linked or started.
import { runAsCommand } from './main.js';

runAsCommand();
