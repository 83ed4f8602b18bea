import { describe } from 'vitest';
import { serverBehaviour } from './behaviour.js';

describe('TLS', () => serverBehaviour('tls'));
