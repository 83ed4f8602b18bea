/** The text of `lapps --help`. */
export const USAGE = `Usage: lapps <command> [options]

Commands:
  start            start the server
  check            validate the configuration and print it with every default filled in
  bench            load a WebSocket echo server and report round trips/s ("lapps bench --help")
  help             show this help

Options:
  --conf-dir DIR   the folder holding ws.json and lapps.json
  -h, --help       show this help
  -v, --version    print the version

Environment:
  LAPPS_CONF_DIR   the conf dir when --conf-dir is not given
  LAPPS_HOME       the LAppS home: the conf dir is $LAPPS_HOME/etc/conf when neither of the
                   above is set, and relative directories in lapps.json resolve against it
  WS_CONFIG        the name of ws.json in the conf dir, or an absolute path (default ws.json)
  LAPPS_CONFIG     the name of lapps.json in the conf dir, or an absolute path (default lapps.json)

With none of --conf-dir, LAPPS_CONF_DIR and LAPPS_HOME, the built-in example configuration is used.
Exit codes: 0 success, 1 invalid configuration or failed start, 2 usage error.
`;
