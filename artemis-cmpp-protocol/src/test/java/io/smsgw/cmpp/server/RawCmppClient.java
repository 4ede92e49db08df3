package io.smsgw.cmpp.server;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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

   private final Socket socket;
   private final DataInputStream in;
   private final OutputStream out;
   private CmppVersion version = CmppVersion.V30;
   private int sequence = 1000;

   RawCmppClient(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      in = new DataInputStream(socket.getInputStream());
      out = socket.getOutputStream();
   }

   int nextSequence() {
      return ++sequence;
   }

   /** Sends CONNECT with a correct authenticator and returns the response. */
   ConnectResp connect(String spId, String secret, int versionByte) throws IOException {
      long timestamp = CmppTimestamp.now(Clock.systemDefaultZone());
      if (CmppVersion.isKnown(versionByte)) {
         version = CmppVersion.fromByte(versionByte);
      }
      send(new Connect(nextSequence(), spId, CmppAuthenticator.authenticatorSource(spId, secret, timestamp), versionByte, timestamp));
      return (ConnectResp) read();
   }

   static Submit submit(int sequence, String spId, String srcId, String serviceId, int msgFmt, byte[] content, String... recipients) {
      return new Submit(sequence, 0L, 1, 1, 1, 0, serviceId, 0, "", 0, 0, 0, msgFmt, spId, "02", "000010", "", "",
                        srcId, List.of(recipients), 0, content, "", "");
   }

   static Submit ascii(int sequence, String spId, String text, String... recipients) {
      return submit(sequence, spId, "1065712345", "TEST", 0, text.getBytes(StandardCharsets.US_ASCII), recipients);
   }

   void send(CmppPdu pdu) throws IOException {
      ByteBuf buf = Unpooled.buffer();
      CmppCodec.encode(pdu, version, buf);
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      buf.release();
      sendBytes(bytes);
   }

   void sendBytes(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
   }

   /** The next PDU, or null if none arrives within the timeout. */
   CmppPdu read(int timeoutMillis) throws IOException {
      socket.setSoTimeout(timeoutMillis);
      try {
         int length = in.readInt();
         byte[] frame = new byte[length];
         frame[0] = (byte) (length >>> 24);
         frame[1] = (byte) (length >>> 16);
         frame[2] = (byte) (length >>> 8);
         frame[3] = (byte) length;
         in.readFully(frame, 4, length - 4);
         ByteBuf buf = Unpooled.wrappedBuffer(frame);
         try {
            return CmppCodec.decode(buf, version);
         } finally {
            buf.release();
         }
      } catch (SocketTimeoutException e) {
         return null;
      }
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
      socket.setSoTimeout(timeoutMillis);
      try {
         while (true) {
            if (in.read() < 0) {
               return true;
            }
         }
      } catch (SocketTimeoutException e) {
         return false;
      } catch (EOFException | java.net.SocketException e) {
         return true;
      }
   }

   @Override
   public void close() throws IOException {
      socket.close();
   }
}
