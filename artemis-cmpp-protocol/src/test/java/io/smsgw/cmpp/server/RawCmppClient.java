package io.smsgw.cmpp.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

import io.smsgw.broker.testing.RawFrameSocket;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.Submit;

/**
 * A byte-level SP on a plain socket, for what a CMPP client library will not produce: malformed frames,
 * protocol violations, silent peers. Uses the project's codec with the version it connected with.
 */
final class RawCmppClient implements AutoCloseable {

   private final RawFrameSocket socket;
   private CmppVersion version = CmppVersion.V30;
   private int sequence = 1000;

   RawCmppClient(int port) throws IOException {
      this(RawFrameSocket.connect(port));
   }

   RawCmppClient(RawFrameSocket socket) {
      this.socket = socket;
   }

   /** From another loopback address, as another client host. */
   RawCmppClient(String from, int port) throws IOException {
      socket = RawFrameSocket.connectFrom(from, port);
   }

   int nextSequence() {
      return ++sequence;
   }

   /** Sends CONNECT with a correct authenticator and returns the response. */
   ConnectResp connect(String spId, String secret, int versionByte) throws IOException {
      sendConnect(spId, secret, versionByte);
      return (ConnectResp) read();
   }

   /** Sends CONNECT with a correct authenticator for {@code secret}, without waiting for the answer. */
   void sendConnect(String spId, String secret, int versionByte) throws IOException {
      long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), spId);
      if (CmppVersion.isKnown(versionByte)) {
         version = CmppVersion.fromByte(versionByte);
      }
      send(new Connect(nextSequence(), spId, CmppAuthenticator.authenticatorSource(spId, secret, timestamp), versionByte, timestamp));
   }

   static Submit submit(int sequence, String spId, String srcId, String serviceId, int msgFmt, byte[] content, String... recipients) {
      return new Submit(sequence, 0L, 1, 1, 1, 0, serviceId, 0, "", 0, 0, 0, msgFmt, spId, "02", "000010", "", "",
                        srcId, List.of(recipients), 0, content, "", "");
   }

   static Submit ascii(int sequence, String spId, String text, String... recipients) {
      return submit(sequence, spId, "1065712345", "TEST", 0, text.getBytes(StandardCharsets.US_ASCII), recipients);
   }

   /** The wire form of {@code pdu} in this connection's version, to be altered before {@link #sendBytes}. */
   byte[] encode(CmppPdu pdu) {
      return encode(pdu, version);
   }

   static byte[] encode(CmppPdu pdu, CmppVersion version) {
      io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
      try {
         CmppCodec.encode(pdu, version, buf);
         return io.netty.buffer.ByteBufUtil.getBytes(buf);
      } finally {
         buf.release();
      }
   }

   void send(CmppPdu pdu) throws IOException {
      socket.send(buf -> CmppCodec.encode(pdu, version, buf));
   }

   /** Several PDUs in one write, so the gateway reads them together, before it runs anything they set off. */
   void sendTogether(CmppPdu... pdus) throws IOException {
      socket.send(buf -> {
         for (CmppPdu pdu : pdus) {
            CmppCodec.encode(pdu, version, buf);
         }
      });
   }

   void sendBytes(byte[] bytes) throws IOException {
      socket.sendBytes(bytes);
   }

   /** The next PDU, or null if none arrives within the timeout. */
   CmppPdu read(int timeoutMillis) throws IOException {
      return socket.read(timeoutMillis, frame -> CmppCodec.decode(frame, version));
   }

   CmppPdu read() throws IOException {
      CmppPdu pdu = read(10_000);
      if (pdu == null) {
         throw new IOException("no PDU within 10 s");
      }
      return pdu;
   }

   /** True once the server has closed the connection. */
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
