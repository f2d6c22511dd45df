// The addresses an incoming HTTP server may listen on: this machine only.
export const LOOPBACK_PATTERN = '127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|::1|localhost';

const LOOPBACK = new RegExp(`^(?:${LOOPBACK_PATTERN})$`);

export const isLoopback = (host: string): boolean => LOOPBACK.test(host);
