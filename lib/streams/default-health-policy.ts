import { configDefaults } from '../config.js';
import type { HealthPolicy } from './health-policy.js';

/** The health defaults (`configDefaults.health`: one table for every default). */
export const defaultHealthPolicy: HealthPolicy = configDefaults.health;
