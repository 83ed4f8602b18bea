import { describe } from 'vitest';
import { clientBehaviour } from './behaviour.js';

describe('TLS', () => clientBehaviour('tls'));
