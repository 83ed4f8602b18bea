import { describe } from 'vitest';
import { clientBehaviour } from './behaviour.js';

describe('plain TCP', () => clientBehaviour('plain'));
