// Test files run in workers: give them the local hub's environment so handler modules
// imported in-process configure themselves exactly as the hub's own functions do.
import { inject } from 'vitest';

Object.assign(process.env, inject('hub').env);
