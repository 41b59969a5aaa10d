/**
 * @azure/functions is CommonJS, and Node's ESM loader does not see its HttpRequest,
 * HttpResponse and InvocationContext as named exports (tsx and vitest do), so the server
 * takes the classes from the default export.
 */
import functions from '@azure/functions';

export const { HttpRequest, HttpResponse, InvocationContext } = functions;
