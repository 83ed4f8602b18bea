/**
 * Every failure of the bridge that reaches JavaScript callers, by stable code. Lua-side failures
 * (a Lua error inside `onMessage`) are not thrown: they are logged and close the connection.
 */
export type LuaBridgeErrorCode =
  /** The service file is missing or unreadable. */
  | 'LAPPS_ERR_LUA_SERVICE_NOT_FOUND'
  /** The service file does not compile or its main chunk fails. */
  | 'LAPPS_ERR_LUA_LOAD'
  /** The service does not define the functions its kind requires. */
  | 'LAPPS_ERR_LUA_CONTRACT'
  /** A name in `preload` is not a known module. */
  | 'LAPPS_ERR_LUA_UNKNOWN_MODULE'
  /** `onStart`, `init` or `run` raised a Lua error. */
  | 'LAPPS_ERR_LUA_START'
  /** A bad option given to the bridge. */
  | 'LAPPS_ERR_LUA_INVALID_ARGUMENT';

/** The bridge's one error class; switch on `code`. */
export class LuaBridgeError extends Error {
  override readonly name = 'LuaBridgeError';
  readonly code: LuaBridgeErrorCode;

  constructor(code: LuaBridgeErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
