// pnpm hooks for the whole workspace (pnpm 11+ passes no npm_config_* settings to dependency
// build scripts: `.npmrc` lines like `build_from_source=true` no longer reach them).
//
// node-linux-pam (@lapps/pam-auth's PAM binding) installs with `node-pre-gyp install
// --fallback-to-build`, which first tries a prebuilt binary from GitHub and then node-gyp, which
// downloads Node's headers from nodejs.org. We build it from source, offline:
// - npm_config_build_from_source=node-linux-pam: node-pre-gyp skips the download for that package
//   only (node-gyp-build, bufferutil's installer, reacts to "true" only, so it keeps its prebuilds);
// - npm_config_nodedir: the headers installed with this machine's Node.js (<prefix>/include/node,
//   as in Debian's nodejs package or a nodejs.org tarball), so node-gyp downloads nothing.
// Values already set in the environment win.
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

function localNodeDir() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const node = join(dir, 'node');
    if (!existsSync(node)) continue;
    const prefix = dirname(dirname(realpathSync(node)));
    return existsSync(join(prefix, 'include', 'node', 'common.gypi')) ? prefix : undefined;
  }
  return undefined;
}

export const hooks = {
  updateConfig(config) {
    const env = { npm_config_build_from_source: 'node-linux-pam' };
    const nodedir = localNodeDir();
    if (nodedir !== undefined) env.npm_config_nodedir = nodedir;
    for (const name of Object.keys(env)) {
      if (process.env[name] !== undefined) delete env[name];
    }
    config.extraEnv = { ...config.extraEnv, ...env };
    return config;
  },
};
