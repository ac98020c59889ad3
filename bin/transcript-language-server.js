#!/usr/bin/env node
// The language server for any LSP client: `transcript-language-server --stdio`.
import '../dist/server.cjs';
