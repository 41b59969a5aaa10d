/* global process, console */
// Calls the `test` HTTP function's handler from plain Node, without the Functions host:
//   npm run build && node examples/call-test-handler.mjs [image]
// @azure/functions is CommonJS; plain Node sees only some of its exports as named ESM exports
// (`app`, not `HttpRequest` or `InvocationContext`), so take the classes from the default import.
import { readFileSync } from 'node:fs';
import functions from '@azure/functions';
import { testHandler } from '../dist/functions/test.js';

const { HttpRequest, InvocationContext } = functions;
const image = process.argv[2] ?? 'node_modules/@vladmandic/face-api/demo/sample1.jpg';
const request = new HttpRequest({
  method: 'POST',
  url: 'http://localhost/api/test',
  body: { bytes: readFileSync(image) },
});
const response = await testHandler(request, new InvocationContext({ functionName: 'test' }));
console.log(response.status, JSON.stringify(response.jsonBody ?? response.body));
