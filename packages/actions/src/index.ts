export { createMailTransport } from './email/transport.ts';
