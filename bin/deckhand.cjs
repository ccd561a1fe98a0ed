#!/usr/bin/env node
'use strict';
// Entry for the `deckhand` command: checks Node, then runs the built CLI.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`deckhand needs Node >= 22.12 (this is ${process.versions.node}). Run: npm run setup\n`);
  process.exit(1);
}
const cli = join(__dirname, '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write(`deckhand is not built (${cli} is missing). Run: npm run build\n`);
  process.exit(1);
}
require(cli);
