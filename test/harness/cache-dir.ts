import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the set-up scripts keep what they download and build: `$HARDPOD_CACHE`, else `~/.cache/hardpod`. */
export const CACHE_DIR = process.env.HARDPOD_CACHE ?? join(homedir(), '.cache', 'hardpod');
