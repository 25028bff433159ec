// One Jest project per workspace package plus `repo` for checks of the whole checkout (compose file,
// README, corpus). Tests import package sources directly: @swc/jest strips the types, `tsc` (run by
// scripts/test) checks them.
import { readdirSync } from 'node:fs';
import type { Config } from 'jest';

const swc: NonNullable<Config['transform']> = {
  '^.+\\.(t|j)s$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
  ],
};

// ESM-only dependencies that Jest's CommonJS runtime must see transformed.
const esmOnly = ['commander', 'fast-png', 'iobuffer'];

function project(name: string, rootDir: string): NonNullable<Config['projects']>[number] {
  return {
    displayName: name,
    rootDir,
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    transform: swc,
    transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
    testEnvironment: 'node',
    // scripts/build's default output: compiled copies of the packages, same names
    modulePathIgnorePatterns: ['<rootDir>/dist/'],
  };
}

const packages = readdirSync('packages', { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

const config: Config = {
  projects: [...packages.map((p) => project(p, `<rootDir>/packages/${p}`)), project('repo', '<rootDir>')],
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
  testTimeout: 60_000,
};

export default config;
