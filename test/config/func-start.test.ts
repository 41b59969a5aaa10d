/** npm run func: without Core Tools it stops at once and says how to install them. */
import { describe, expect, it } from 'vitest';
import { coreToolsVersion, INSTALL_CORE_TOOLS } from '../../tools/func-start.js';

describe('npm run func', () => {
  it('finds no Core Tools where func is not on the PATH', () => {
    expect(coreToolsVersion({ ...process.env, PATH: '/nonexistent' })).toBeNull();
  });

  it('names the ways to install them', () => {
    expect(INSTALL_CORE_TOOLS).toContain('npm install -g azure-functions-core-tools@4');
    expect(INSTALL_CORE_TOOLS).toContain('brew install azure-functions-core-tools@4');
    expect(INSTALL_CORE_TOOLS).toContain('winget install Microsoft.Azure.FunctionsCoreTools');
    expect(INSTALL_CORE_TOOLS).toContain('azure-functions-core-tools-4');
  });
});
