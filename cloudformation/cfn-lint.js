#!/usr/bin/env node
// Runs cfn-lint@1.9.7 (npm) against the current CloudFormation resource specification.
//
// cfn-lint bundles a 2019 spec that rejects properties this stack needs (StreamModeDetails, SnapStart,
// FunctionResponseTypes, ...). Instead of overwriting a file inside node_modules (lost on every `npm ci`), we
// seed Node's module cache so cfn-lint's own `require` of its spec returns @aws-cdk/cfnspec's specification.
//
// Usage: node cloudformation/cfn-lint.js <node_modules dir> <template> [more cfn-lint validate options]
'use strict';
const path = require('path');

const [nodeModulesArg, template, ...options] = process.argv.slice(2);
if (!nodeModulesArg || !template) {
  console.error('usage: cfn-lint.js <node_modules dir> <template> [cfn-lint validate options]');
  process.exit(2);
}
const nodeModules = path.resolve(nodeModulesArg);
const bundledSpec = require.resolve(path.join(nodeModules, 'cfn-lint', 'data', 'aws_resources_specification.json'));
const currentSpec = require(path.join(nodeModules, '@aws-cdk', 'cfnspec', 'spec', 'specification.json'));
require.cache[bundledSpec] = {id: bundledSpec, filename: bundledSpec, loaded: true, exports: currentSpec};

// cfn-lint's CLI parses process.argv when it is loaded.
process.argv = [process.argv[0], 'cfn-lint', 'validate', template, ...options];
// Plain text: the output is read by tests and CI logs, not a terminal.
require(require.resolve('colors', {paths: [path.join(nodeModules, 'cfn-lint')]})).disable();
require(path.join(nodeModules, 'cfn-lint', 'lib', 'index.js'));
