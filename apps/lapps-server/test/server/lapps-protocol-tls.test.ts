import { describe } from 'vitest';
import { lappsProtocolBehaviour } from './lapps-protocol.js';

describe('LAppS protocol over TLS', () => lappsProtocolBehaviour('tls'));
