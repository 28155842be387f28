import { applyCliV8Flags } from './v8-tuning';

/**
 * Applies the CLI's V8 settings as a module of its own, imported by main.ts before the commands:
 * loading hardpod's modules resolves hundreds of paths, enough for V8 to optimize Node's own path
 * functions, and optimized code compiled before the settings would not follow them.
 */
applyCliV8Flags(process.execArgv, process.env.NODE_OPTIONS);
