/**
 * One listening port for HTTP/1.1 and cleartext HTTP/2 (h2c with prior knowledge).
 *
 * Why: `@aws-sdk/client-bedrock-runtime` sends every call over HTTP/2 by default (its
 * `NodeHttp2Handler`, for the bidirectional stream), and speaks h2c to an `http://` endpoint, while
 * the openai and Anthropic clients speak HTTP/1.1. So the simulator reads the first bytes of each
 * connection: the HTTP/2 connection preface (`PRI * HTTP/2.0`) goes to an HTTP/2 server in its
 * compatibility mode (the same `(req, res)` handler), anything else to the HTTP/1.1 server.
 */
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';

/** A TCP server answering HTTP/1.1 and h2c; `closeAllConnections()` ends both kinds. */
export interface DualProtocolServer extends Server {
  /** Destroys every open connection, HTTP/1.1 and HTTP/2 alike. */
  closeAllConnections(): void;
}

/** The first bytes of an HTTP/2 connection (RFC 9113 §3.4), enough of them to tell. */
const H2_PREFACE = 'PRI * HTTP/2.0';

/**
 * A stream over `socket` that first yields `head` (the bytes already read to tell the protocol):
 * the HTTP/2 server takes over the connection from there, as if it had read them itself.
 */
function replaying(socket: Socket, head: Buffer): Duplex {
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(err, callback) {
      socket.destroy(err ?? undefined);
      callback(err);
    },
  });
  duplex.push(head);
  socket.on('data', (data: Buffer) => {
    if (!duplex.push(data)) socket.pause();
  });
  socket.on('end', () => duplex.push(null));
  socket.on('close', () => duplex.destroy());
  socket.on('error', (err) => duplex.destroy(err));
  return duplex;
}

/** Creates a server that hands each HTTP/1.1 or h2c request to `listener`. */
export function createDualProtocolServer(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): DualProtocolServer {
  const http1 = createHttp1Server(listener);
  const http2 = createHttp2Server(
    listener as unknown as (req: Http2ServerRequest, res: Http2ServerResponse) => void,
  );
  const sockets = new Set<Socket>();
  const tcp = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', (head: Buffer) => {
      if (head.subarray(0, H2_PREFACE.length).toString('latin1') === H2_PREFACE) {
        http2.emit('connection', replaying(socket, head));
        return;
      }
      socket.pause();
      socket.unshift(head);
      http1.emit('connection', socket);
      socket.resume();
    });
  }) as DualProtocolServer;
  tcp.closeAllConnections = () => {
    http1.closeAllConnections();
    for (const socket of sockets) socket.destroy();
  };
  return tcp;
}
