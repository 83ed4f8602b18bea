import { describe } from 'vitest';
import { serverBehaviour } from './behaviour.js';

describe('plain TCP', () => serverBehaviour('plain'));
