#!/usr/bin/env node
// `npm ci` builds dist/ (the `prepare` script); see README.
import '../dist/cli.cjs';
