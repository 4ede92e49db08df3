package io.smsgw.smpp.server;

import java.io.IOException;

import io.smsgw.broker.testing.RawFrameSocket;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppPdu;

/**
 * A byte-level SMPP peer on a plain socket, for the cases the client libraries will not produce:
 * malformed frames, protocol violations, silent receivers.
 */
final class RawSmppClient implements AutoCloseable {

   private final RawFrameSocket socket;

   RawSmppClient(int port) throws IOException {
      this(RawFrameSocket.connect(port));
   }

   RawSmppClient(RawFrameSocket socket) {
      this.socket = socket;
   }

   /** From another loopback address, as another client host. */
   RawSmppClient(String from, int port) throws IOException {
      socket = RawFrameSocket.connectFrom(from, port);
   }

   void send(SmppPdu pdu) throws IOException {
      socket.send(buf -> SmppCodec.encode(pdu, buf));
   }

   /** Several PDUs in one write, so the gateway reads them together, before it runs anything they set off. */
   void sendTogether(SmppPdu... pdus) throws IOException {
      socket.send(buf -> {
         for (SmppPdu pdu : pdus) {
            SmppCodec.encode(pdu, buf);
         }
      });
   }

   void sendBytes(byte[] bytes) throws IOException {
      socket.sendBytes(bytes);
   }

   /** The next PDU, or null if none arrives within the timeout. */
   SmppPdu read(int timeoutMillis) throws IOException {
      return socket.read(timeoutMillis, SmppCodec::decode);
   }

   SmppPdu read() throws IOException {
      SmppPdu pdu = read(10_000);
      if (pdu == null) {
         throw new IOException("no PDU within 10 s");
      }
      return pdu;
   }

   /** True once the server has closed the connection (read returns end of stream). */
   boolean closedByServer(int timeoutMillis) throws IOException {
      return socket.closedByPeer(timeoutMillis);
   }

   /** This end's address, as the broker sees it. */
   java.net.SocketAddress localAddress() {
      return socket.localAddress();
   }

   @Override
   public void close() throws IOException {
      socket.close();
   }
}
