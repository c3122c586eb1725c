#!/usr/bin/env node
// Runs the CLI from the build; nothing else lives here.
import('../dist/src/cli.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/cli.js')) {
    console.error('modelctl is not built yet: run `npm install` (or `npm run build`) in the modelctl folder.');
    process.exit(2);
  }
  throw err;
});
