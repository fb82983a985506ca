// Finding a program's inspector WebSocket: Node lists its targets at http://host:port/json/list.
// Only loopback addresses are accepted: the inspector runs any code it is sent.
import * as http from 'node:http';

export { isLoopbackUrl } from '../../common/cdpConnection';

/** The WebSocket URL of the inspector on 127.0.0.1:`port`, or undefined if nothing answers there. */
export function inspectorWebSocketUrl(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/json/list', timeout: 1000 }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        try {
          const targets = JSON.parse(body) as { webSocketDebuggerUrl?: string }[];
          resolve(targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl);
        } catch {
          resolve(undefined);
        }
      });
    });
    request.on('error', () => resolve(undefined));
    request.on('timeout', () => request.destroy());
  });
}
