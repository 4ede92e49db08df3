package io.smsgw.cmpp.gns;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Clock;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;

/**
 * One CMPP connection on a plain blocking socket with the project's codec (3.0 layout), for tests that play a
 * gateway or a tandem byte by byte: wrong Source_Ids, pushes with old time stamps, silence.
 */
public final class CmppSocket implements AutoCloseable {

   private final Socket socket;
   private final DataInputStream in;
   private final OutputStream out;
   private int sequence = 5000;

   public CmppSocket(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new DataInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
   }

   public static CmppSocket connect(int port) throws IOException {
      return new CmppSocket(new Socket("127.0.0.1", port));
   }

   public int nextSequence() {
      return ++sequence;
   }

   /** Sends CONNECT as gateway {@code code} with {@code secret} and returns the answer. */
   public ConnectResp login(String code, String secret) throws IOException {
      long timestamp = CmppTimestamp.now(Clock.systemDefaultZone());
      send(new Connect(nextSequence(), code, CmppAuthenticator.authenticatorSource(code, secret, timestamp), 0x30, timestamp));
      return (ConnectResp) read();
   }

   public void send(CmppPdu pdu) throws IOException {
      ByteBuf buf = Unpooled.buffer();
      CmppCodec.encode(pdu, CmppVersion.V30, buf);
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      buf.release();
      sendBytes(bytes);
   }

   public void sendBytes(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
   }

   /** The next PDU, or null if none arrives within the timeout. */
   public CmppPdu read(int timeoutMillis) throws IOException {
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
            return CmppCodec.decode(buf, CmppVersion.V30);
         } finally {
            buf.release();
         }
      } catch (SocketTimeoutException e) {
         return null;
      }
   }

   public CmppPdu read() throws IOException {
      CmppPdu pdu = read(10_000);
      if (pdu == null) {
         throw new IOException("no PDU within 10 s");
      }
      return pdu;
   }

   /** Reads PDUs until one of {@code type} arrives (others, e.g. ACTIVE_TEST, are skipped). */
   public <T extends CmppPdu> T read(Class<T> type) throws IOException {
      while (true) {
         CmppPdu pdu = read();
         if (type.isInstance(pdu)) {
            return type.cast(pdu);
         }
      }
   }

   /** True once the peer has closed the connection. */
   public boolean closedByPeer(int timeoutMillis) throws IOException {
      socket.setSoTimeout(timeoutMillis);
      try {
         while (in.read() >= 0) {
            // drain until the end of the stream
         }
         return true;
      } catch (SocketTimeoutException e) {
         return false;
      } catch (EOFException | SocketException e) {
         return true;
      }
   }

   @Override
   public void close() throws IOException {
      socket.close();
   }
}
